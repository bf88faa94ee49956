/**
 * Rules that span several keys, checked in one place (as Filebeat's `Validate()` does). They read
 * the raw document defensively, so they run even when other keys are invalid and every problem
 * is reported at once; a value of the wrong type is left to the schema's own error.
 */
import { describeValue } from './describe-value.js';
import { parseDurationMs } from './duration.js';
import type { RawProblem } from './raw-problem.js';
import { previousExternalIdsProblems } from './schema-external-ids.js';
import { MAX_CHAINED_STS_DURATION_SEC } from './schema-primitives.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function connectionRules(c: Obj, i: number): RawProblem[] {
  const at = (...rest: (string | number)[]) => ['connections', i, ...rest];
  const problems: RawProblem[] = [];
  const arns = c.assumeRoleArn;

  if (c.assumeRoleFlag === true && (arns === undefined || (Array.isArray(arns) && arns.length === 0))) {
    problems.push({
      path: at(arns === undefined ? 'assumeRoleFlag' : 'assumeRoleArn'),
      expected: 'at least one role ARN in assumeRoleArn when assumeRoleFlag is true',
      found: arns === undefined ? 'no assumeRoleArn key' : 'an empty list',
      hint: "add the customer's role ARN, or set assumeRoleFlag: false to use the default AWS credential chain",
      ...(arns === undefined ? { at: 'key' as const } : {}),
    });
  }

  const duration = c.stsCredsExpirationTime;
  const durationMs =
    typeof duration === 'string' || typeof duration === 'number' ? parseDurationMs(duration) : undefined;
  const durationSec = durationMs === undefined ? undefined : durationMs / 1000;
  if (
    Array.isArray(arns) &&
    arns.length > 1 &&
    durationSec !== undefined &&
    durationSec > MAX_CHAINED_STS_DURATION_SEC
  ) {
    problems.push({
      path: at('stsCredsExpirationTime'),
      expected: `at most 1h when more than one role ARN is chained (${arns.length} are)`,
      found: `${describeValue(duration)} (${durationSec} seconds)`,
      hint: 'AWS caps chained role sessions at one hour',
    });
  }

  const processor = c.processor;
  if (
    isObj(processor) &&
    processor.type === 'video' &&
    processor.crf !== undefined &&
    processor.bitrate !== undefined
  ) {
    problems.push({
      path: at('processor', 'bitrate'),
      expected: 'either crf or bitrate, not both',
      found: `crf ${describeValue(processor.crf)} and bitrate ${describeValue(processor.bitrate)}`,
      hint: 'remove one of them',
      at: 'key',
    });
  }

  const workflow = c.workflow ?? 'batch';
  if (c.live !== undefined && workflow !== 'live') {
    problems.push({
      path: at('live'),
      expected: 'live settings only with workflow: live',
      found: `live settings with workflow ${describeValue(workflow)}`,
      hint: 'set workflow: live, or remove the live block',
      at: 'key',
    });
  }
  if (isObj(c.live) && c.live.mode === 'sqs' && c.live.queueUrl === undefined) {
    problems.push({
      path: at('live', 'queueUrl'),
      expected: "the customer's queue URL when live.mode is sqs",
      found: 'nothing: the key is missing',
      hint: 'in sqs mode bucketbridge reads the queue the customer owns, so it must be named',
      at: 'key',
    });
  }

  const source = c.source;
  if (isObj(source)) {
    const { minSizeBytes: min, maxSizeBytes: max, modifiedAfter: after, modifiedBefore: before } = source;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      problems.push({
        path: at('source', 'maxSizeBytes'),
        expected: `a size >= source.minSizeBytes (${min})`,
        found: String(max),
      });
    }
    if (typeof after === 'string' && typeof before === 'string' && Date.parse(after) >= Date.parse(before)) {
      problems.push({
        path: at('source', 'modifiedBefore'),
        expected: `a time after source.modifiedAfter (${after})`,
        found: describeValue(before),
      });
    }
  }
  return problems;
}

/** Every cross-field problem in a raw (parsed but not validated) configuration. */
export function crossFieldProblems(raw: unknown): RawProblem[] {
  if (!isObj(raw)) return [];
  const problems: RawProblem[] = [];

  // The default region is where buckets outside `regions` are processed, so it must be a region
  // the vendor processes in; anything else would send work to a region with no workers.
  const processing = raw.processing;
  if (isObj(processing)) {
    const regions = processing.regions ?? ['us-east-1'];
    const defaultRegion = processing.defaultRegion ?? 'us-east-1';
    if (Array.isArray(regions) && typeof defaultRegion === 'string' && !regions.includes(defaultRegion)) {
      problems.push({
        path: ['processing', processing.defaultRegion === undefined ? 'regions' : 'defaultRegion'],
        expected: `processing.defaultRegion to be one of processing.regions (${regions.join(', ')})`,
        found: describeValue(defaultRegion),
        hint: `add ${defaultRegion} to processing.regions or pick one of them`,
      });
    }
  }

  const connections = raw.connections;
  if (!Array.isArray(connections)) return problems;
  const firstIndexByName = new Map<string, number>();
  connections.forEach((c, i) => {
    if (!isObj(c)) return;
    if (typeof c.name === 'string') {
      const first = firstIndexByName.get(c.name);
      if (first === undefined) firstIndexByName.set(c.name, i);
      else {
        problems.push({
          path: ['connections', i, 'name'],
          expected: 'a connection name not used by another connection',
          found: describeValue(c.name),
          hint: `connections[${first}] already has this name`,
        });
      }
    }
    problems.push(...connectionRules(c, i), ...previousExternalIdsProblems(c, i));
  });
  return problems;
}
