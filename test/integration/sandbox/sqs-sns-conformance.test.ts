/** The SQS + SNS conformance suite against the sandbox (moto-sqs-sns.test.ts runs it against moto). */

import { useTestSandbox } from '../../helpers/sandbox-suite.js';
import { defineSqsSnsConformance } from './sqs-sns-conformance.js';

const sandbox = useTestSandbox();

defineSqsSnsConformance('sandbox', () => ({
  endpoint: sandbox.endpoint,
  region: sandbox.region,
  accountId: sandbox.accounts.vendor.id,
  credentials: sandbox.sdkConfig('vendor').credentials,
}));
