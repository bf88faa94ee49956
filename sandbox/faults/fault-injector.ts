/**
 * Decides, request by request, which faults apply: errors with AWS's own codes for the service,
 * added latency, and connections reset part-way through a response body. Every effect draws from
 * its own seeded sequence, so a given spec and seed fail the same requests on every run.
 */
import { AwsError } from '../core/errors.js';
import type { ServiceName } from '../core/types.js';
import { EMPTY_FAULT_SPEC, type FaultErrorKind, type FaultSpec, parseFaultSpec } from './fault-spec.js';
import { createPrng, deriveSeed, type Random } from './prng.js';

/** What to do to one request. */
export interface FaultDecision {
  latencyMs: number;
  error?: AwsError;
  /** Destroy the connection after this many bytes of the response body. */
  resetAfterBytes?: number;
  /** SQS ReceiveMessage: every message handed out leaves a copy that is delivered again. */
  duplicate?: boolean;
}

/** The error a service really answers when it throttles or fails. */
export function faultError(service: ServiceName, kind: FaultErrorKind): AwsError {
  if (kind === 'internal') {
    return service === 's3'
      ? new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500)
      : new AwsError(
          'InternalFailure',
          'The request processing has failed because of an unknown error, exception or failure.',
          500,
        );
  }
  if (service === 's3' || kind === 'unavailable') {
    return service === 's3'
      ? new AwsError('SlowDown', 'Please reduce your request rate.', 503)
      : new AwsError('ServiceUnavailable', 'Service is unavailable. Please try again later.', 503);
  }
  switch (service) {
    case 'sqs':
      // The JSON shape is ThrottlingException; query-compatible clients read RequestThrottled.
      return new AwsError('RequestThrottled', 'Rate exceeded', 400, { __type: 'ThrottlingException' });
    case 'sns':
      return new AwsError('Throttled', 'Rate exceeded', 429);
    case 'kms':
      return new AwsError('ThrottlingException', 'Rate exceeded', 400);
    default:
      return new AwsError('Throttling', 'Rate exceeded', 400);
  }
}

export class FaultInjector {
  private spec: FaultSpec = EMPTY_FAULT_SPEC;
  private text = '';
  private randoms: Random[][] = [];
  /** Requests seen per `service:Operation` since start (or the last reset), faulted or not. */
  private readonly counts = new Map<string, number>();

  constructor(
    text = '',
    private readonly defaultSeed = 0,
  ) {
    this.set(text);
  }

  /** Replaces the rules (throws FaultSpecError on bad input; the old rules then stay). */
  set(text: string): void {
    const spec = parseFaultSpec(text, this.defaultSeed);
    this.spec = spec;
    this.text = text;
    this.randoms = spec.rules.map((rule, r) =>
      rule.effects.map((_, e) => createPrng(deriveSeed(spec.seed, r, e))),
    );
  }

  /** The spec in force, as given. */
  current(): string {
    return this.text;
  }

  /** Requests per `service:Operation` (e.g. `s3:HeadObject`); `reset` starts counting again. */
  requestCounts(reset = false): Record<string, number> {
    const counts = Object.fromEntries(this.counts);
    if (reset) this.counts.clear();
    return counts;
  }

  decide(service: ServiceName, operation: string): FaultDecision {
    // Every request passes here once, so this is where requests are counted (benchmarks and
    // tests prove how many requests an object costs).
    const name = `${service}:${operation}`;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    const decision: FaultDecision = { latencyMs: 0 };
    this.spec.rules.forEach((rule, r) => {
      if (rule.service !== '*' && rule.service !== service) return;
      if (rule.operation !== '*' && rule.operation !== operation) return;
      rule.effects.forEach((effect, e) => {
        const hit = effect.rate >= 1 || this.randoms[r]![e]!() < effect.rate;
        if (!hit) return;
        if (effect.type === 'latency') decision.latencyMs += effect.latencyMs;
        else if (effect.type === 'error') decision.error ??= faultError(service, effect.kind);
        else if (effect.type === 'duplicate') decision.duplicate = operation === 'ReceiveMessage';
        else decision.resetAfterBytes ??= effect.afterBytes;
      });
    });
    return decision;
  }
}
