/**
 * The object pipeline of the pipeline unit tests: connection `acme` copying `src/in/…` to
 * `dst/out/…` through an S3 client the test mocks, without server-side copy.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Connection } from '../../src/config/resolved-config.js';
import { ObjectPipeline, type ObjectPipelineOptions } from '../../src/pipeline/object-pipeline.js';
import { createCopyProcessor } from '../../src/processors/copy.js';
import type { Ledger } from '../../src/state/ledger.js';

export const connection: Pick<Connection, 'name' | 'source' | 'destination'> = {
  name: 'acme',
  source: { bucket: 'src', prefix: 'in/', include: [], exclude: [] },
  destination: { bucket: 'dst', prefix: 'out/', keyTemplate: '{relkey}' },
};

/** A copying pipeline for `connection` over `s3`, recording in `ledger`. */
export function copyPipeline(
  s3: S3Client,
  ledger: Ledger,
  overrides: Partial<ObjectPipelineOptions> = {},
): ObjectPipeline {
  return new ObjectPipeline({
    connection,
    s3ForBucket: async () => s3,
    processor: createCopyProcessor(),
    ledger,
    serverSideCopy: false,
    ...overrides,
  });
}
