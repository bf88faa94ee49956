/**
 * The same S3 conformance suite against moto's server: where both implement a behaviour and AWS's
 * answer is not in doubt, the sandbox and moto must agree.
 */
import { afterAll, beforeAll } from 'vitest';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { defineS3Conformance } from './s3-conformance.js';

let moto: MotoServer;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(() => moto.stop());

defineS3Conformance('moto', () => ({
  endpoint: moto.endpoint,
  region: moto.region,
  credentials: moto.credentials,
}));
