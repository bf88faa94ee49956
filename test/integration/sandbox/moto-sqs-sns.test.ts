/**
 * The same SQS + SNS conformance suite against moto's server: where both implement a behaviour
 * and AWS's answer is not in doubt, the sandbox and moto must agree.
 */

import { useMoto } from '../../helpers/sandbox-suite.js';
import { defineSqsSnsConformance } from './sqs-sns-conformance.js';

const moto = useMoto();

defineSqsSnsConformance('moto', () => moto);
