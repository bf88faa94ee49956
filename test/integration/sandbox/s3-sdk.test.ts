/** The S3 conformance suite against the sandbox, driven by the AWS SDK for JavaScript v3. */

import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { defineS3Conformance } from './s3-conformance.js';

const sandbox = useTestSandbox();

defineS3Conformance('sandbox', () => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  credentials: sandbox.sdkConfig('customer').credentials,
}));
