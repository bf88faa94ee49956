/** The S3 conformance suite against the sandbox, driven by the AWS SDK for JavaScript v3. */
import { afterAll, beforeAll } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { defineS3Conformance } from './s3-conformance.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

defineS3Conformance('sandbox', () => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  credentials: sandbox.sdkConfig('customer').credentials,
}));
