/** The SQS + SNS conformance suite against the sandbox (moto-sqs-sns.test.ts runs it against moto). */
import { afterAll, beforeAll } from 'vitest';
import { startTestSandbox, type TestSandbox } from '../../helpers/sandbox.js';
import { defineSqsSnsConformance } from './sqs-sns-conformance.js';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

defineSqsSnsConformance('sandbox', () => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  accountId: sandbox.accounts.vendor.id,
  credentials: sandbox.sdkConfig('vendor').credentials,
}));
