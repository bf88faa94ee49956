/**
 * The same SQS + SNS conformance suite against moto's server: where both implement a behaviour
 * and AWS's answer is not in doubt, the sandbox and moto must agree.
 */
import { afterAll, beforeAll } from 'vitest';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { defineSqsSnsConformance } from './sqs-sns-conformance.js';

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());

defineSqsSnsConformance('moto', () => ({
  endpoint: moto.endpoint,
  region: moto.region,
  accountId: moto.accountId,
  credentials: moto.credentials,
}));
