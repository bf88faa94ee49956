/**
 * The same S3 conformance suite against moto's server: where both implement a behaviour and AWS's
 * answer is not in doubt, the sandbox and moto must agree.
 */

import { useMoto } from '../../helpers/sandbox-suite.js';
import { defineS3Conformance } from './s3-conformance.js';

const moto = useMoto();

defineS3Conformance('moto', () => moto);
