/**
 * The `--faults` grammar (documented in docs/sandbox.md):
 *
 *   SPEC    := RULE (';' RULE)*
 *   RULE    := 'seed=' INT | TARGET '=' EFFECT (',' EFFECT)*
 *   TARGET  := '*' | SERVICE | SERVICE ':' OPERATION | SERVICE ':*'
 *   EFFECT  := ERROR ['@' RATE] | 'latency=' INT ('ms'|'s') ['@' RATE] | 'reset=' INT ['@' RATE]
 *            | 'duplicate' ['@' RATE]   (sqs:ReceiveMessage only)
 *   ERROR   := 'throttle' | 'slowdown' | '503' | 'internal' | '500'
 *   RATE    := a probability in [0, 1]; default 1 (every matching request)
 *
 * e.g. `s3:GetObject=503@0.1,latency=50ms;sqs:*=throttle@0.05;seed=42`
 */
import type { ServiceName } from '../core/types.js';

export type FaultErrorKind = 'throttle' | 'unavailable' | 'internal';

export type FaultEffect =
  | { type: 'error'; kind: FaultErrorKind; rate: number }
  | { type: 'latency'; latencyMs: number; rate: number }
  | { type: 'reset'; afterBytes: number; rate: number }
  /** SQS at-least-once delivery: a received message comes back again (sqs:ReceiveMessage). */
  | { type: 'duplicate'; rate: number };

export interface FaultRule {
  /** `*` matches every service. */
  service: ServiceName | '*';
  /** `*` matches every operation (`GetObject`, `ReceiveMessage`, `AssumeRole`...). */
  operation: string;
  effects: FaultEffect[];
}

export interface FaultSpec {
  seed: number;
  rules: FaultRule[];
}

/** A `--faults` value that does not follow the grammar; the message names the part and the fix. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const SERVICES = new Set(['iam', 'sts', 's3', 'sns', 'sqs', 'kms', 'cloudformation', '*']);
const ERRORS: Record<string, FaultErrorKind> = {
  throttle: 'throttle',
  slowdown: 'unavailable',
  '503': 'unavailable',
  internal: 'internal',
  '500': 'internal',
};

export const EMPTY_FAULT_SPEC: FaultSpec = { seed: 0, rules: [] };

export function parseFaultSpec(text: string, defaultSeed = 0): FaultSpec {
  const spec: FaultSpec = { seed: defaultSeed, rules: [] };
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0)
      throw new FaultSpecError(`fault rule "${part}" needs TARGET=EFFECT (e.g. s3:GetObject=503@0.1)`);
    const target = part.slice(0, eq).trim();
    const rest = part.slice(eq + 1).trim();
    if (target === 'seed') {
      if (!/^\d+$/.test(rest)) throw new FaultSpecError(`seed must be a non-negative integer, got "${rest}"`);
      spec.seed = Number(rest);
      continue;
    }
    const [service, operation = '*', extra] = target.split(':');
    if (extra !== undefined || !service || !SERVICES.has(service) || operation === '') {
      throw new FaultSpecError(
        `fault target "${target}" must be SERVICE or SERVICE:OPERATION with SERVICE one of s3, sqs, sns, sts, iam, cloudformation or *`,
      );
    }
    const effects = rest.split(',').map((e) => parseEffect(e.trim(), target));
    spec.rules.push({ service: service as FaultRule['service'], operation, effects });
  }
  return spec;
}

function parseEffect(text: string, target: string): FaultEffect {
  const at = text.lastIndexOf('@');
  const body = at >= 0 ? text.slice(0, at) : text;
  const rate = at >= 0 ? Number(text.slice(at + 1)) : 1;
  if (at >= 0 && (text.slice(at + 1).trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1)) {
    throw new FaultSpecError(
      `fault rate in "${text}" (for ${target}) must be a number from 0 to 1, e.g. @0.05`,
    );
  }
  const kind = ERRORS[body];
  if (kind) return { type: 'error', kind, rate };
  const latency = /^latency=(\d+)(ms|s)$/.exec(body);
  if (latency)
    return { type: 'latency', latencyMs: Number(latency[1]) * (latency[2] === 's' ? 1000 : 1), rate };
  if (body === 'duplicate') {
    if (!/^(sqs|sqs:ReceiveMessage|sqs:\*)$/.test(target)) {
      throw new FaultSpecError(
        `fault effect "duplicate" (for ${target}) applies to sqs:ReceiveMessage only (e.g. sqs:ReceiveMessage=duplicate@0.3)`,
      );
    }
    return { type: 'duplicate', rate };
  }
  const reset = /^reset=(\d+)$/.exec(body);
  if (reset) return { type: 'reset', afterBytes: Number(reset[1]), rate };
  throw new FaultSpecError(
    `fault effect "${text}" (for ${target}) must be one of throttle, slowdown, 503, internal, 500, latency=<N>ms, reset=<bytes>, duplicate, optionally followed by @RATE`,
  );
}
