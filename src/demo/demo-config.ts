/**
 * The configuration the demo writes: one vendor, one customer, and a batch connection per
 * built-in processor, each through its own least-privilege role in the customer's account.
 */
import { randomBytes } from 'node:crypto';
import { stringify } from 'yaml';

export const DEMO_SOURCE_BUCKET = 'demo-customer-source';
export const DEMO_DESTINATION_BUCKET = 'demo-customer-results';

export interface DemoConnectionPlan {
  name: string;
  /** What the demo says this connection shows. */
  story: string;
  /** Where its outputs land in the destination bucket. */
  outputPrefix: string;
  workflow: 'batch' | 'live';
  /** Where the demo uploads files for a live connection to pick up. */
  sourcePrefix: string;
}

export interface DemoConfig {
  yaml: string;
  connections: DemoConnectionPlan[];
}

interface ConnectionSpec {
  name: string;
  story: string;
  roleName: string;
  source: Record<string, unknown>;
  destination: Record<string, unknown>;
  processor: Record<string, unknown>;
  workflow?: 'batch' | 'live';
  live?: Record<string, unknown>;
}

export function buildDemoConfig(args: {
  endpoint: string;
  region: string;
  vendorAccountId: string;
  customerAccountId: string;
  ledgerPath: string;
  withVideo: boolean;
}): DemoConfig {
  const specs: ConnectionSpec[] = [
    {
      name: 'demo-copy',
      story: 'copy every object (server-side CopyObject)',
      roleName: 'BucketBridgeDemoCopy',
      source: { prefix: 'incoming/' },
      destination: { prefix: 'copy/' },
      processor: { type: 'copy' },
    },
    {
      name: 'demo-gzip',
      story: 'compress every object with gzip',
      roleName: 'BucketBridgeDemoGzip',
      source: { prefix: 'incoming/' },
      // The gzip processor names its output `<key>.gz` itself.
      destination: { prefix: 'gzip/' },
      processor: { type: 'gzip' },
    },
    {
      name: 'demo-exec',
      story: 'pipe each text file through a command (tr a-z A-Z)',
      roleName: 'BucketBridgeDemoExec',
      source: { prefix: 'incoming/', include: ['**/*.txt'] },
      destination: { prefix: 'upper/' },
      processor: { type: 'exec', command: 'tr', args: ['a-z', 'A-Z'] },
    },
    {
      name: 'demo-logs',
      story: 'collect log lines (plain and multi-member gzip) as NDJSON records',
      roleName: 'BucketBridgeDemoLogs',
      source: { prefix: 'logs/app/' },
      destination: { prefix: 'records/app/' },
      processor: { type: 'collect', format: 'lines', sink: { type: 'destination' } },
    },
    {
      name: 'demo-cloudtrail',
      story: "collect CloudTrail records (the JSON array under 'Records')",
      roleName: 'BucketBridgeDemoTrail',
      source: { prefix: 'logs/cloudtrail/' },
      destination: { prefix: 'records/cloudtrail/' },
      processor: {
        type: 'collect',
        format: 'json-array',
        recordsField: 'Records',
        sink: { type: 'destination' },
      },
    },
  ];
  if (args.withVideo) {
    specs.push({
      name: 'demo-video',
      story: 'optimise video with ffmpeg (H.264, CRF 30, at most 240 lines)',
      roleName: 'BucketBridgeDemoVideo',
      source: { prefix: 'video/' },
      destination: { prefix: 'video/' },
      processor: { type: 'video', codec: 'h264', crf: 30, maxHeight: 240, preset: 'veryfast' },
    });
  }
  specs.push({
    name: 'demo-live',
    story: 'follow new uploads through S3 → SNS → the vendor queue and gzip each one',
    roleName: 'BucketBridgeDemoLive',
    source: { prefix: 'arrivals/' },
    destination: { prefix: 'live/' },
    processor: { type: 'gzip' },
    workflow: 'live',
    live: { mode: 'sns', concurrency: 4, visibilityTimeout: '1m' },
  });
  const externalId = `bb-demo-${randomBytes(8).toString('hex')}`;
  const document = {
    version: 2,
    vendor: {
      accountId: args.vendorAccountId,
      principals: [`arn:aws:iam::${args.vendorAccountId}:root`],
    },
    aws: { region: args.region, endpoint: args.endpoint },
    processing: { regions: [args.region], defaultRegion: args.region },
    ledger: `sqlite:${args.ledgerPath}`,
    connections: specs.map((spec) => ({
      name: spec.name,
      accountId: args.customerAccountId,
      assumeRoleFlag: true,
      assumeRoleArn: [`arn:aws:iam::${args.customerAccountId}:role/${spec.roleName}`],
      externalId,
      sessionName: `bucketbridge-${spec.name}`,
      stsCredsExpirationTime: '1h',
      source: { bucket: DEMO_SOURCE_BUCKET, ...spec.source },
      destination: { bucket: DEMO_DESTINATION_BUCKET, ...spec.destination },
      workflow: spec.workflow ?? 'batch',
      processor: spec.processor,
      ...(spec.live ? { live: spec.live } : {}),
      onboarding: { roleName: spec.roleName },
    })),
  };
  const header =
    '# Written by `bucketbridge demo`: a vendor, a customer, and one connection per processor.\n';
  return {
    yaml: header + stringify(document),
    connections: specs.map((s) => ({
      name: s.name,
      story: s.story,
      outputPrefix: String(s.destination.prefix),
      workflow: s.workflow ?? 'batch',
      sourcePrefix: String(s.source.prefix),
    })),
  };
}
