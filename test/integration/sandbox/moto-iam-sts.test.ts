/**
 * The IAM/STS conformance suite against moto's server: where both implement a behaviour and AWS's
 * answer is not in doubt, the sandbox and moto must agree. (moto does not enforce trust policies
 * or external IDs, so those cases live only in the sandbox's own suites.)
 */

import { useMoto } from '../../helpers/sandbox-suite.js';
import { defineIamStsConformance } from './iam-sts-conformance.js';

const moto = useMoto();

defineIamStsConformance('moto', () => moto);
