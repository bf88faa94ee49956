/**
 * CompleteMultipartUpload: checks the part list as S3 does (InvalidPartOrder, InvalidPart,
 * EntityTooSmall), computes the multipart ETag (MD5 of the parts' MD5s, `-N`) and the checksum, and
 * makes the parts the object's body without copying them.
 */
import { createHash } from 'node:crypto';
import { checksumField, createDigester, digestBase64 } from '../core/checksums.js';
import { AwsError } from '../core/errors.js';
import type { ServiceResponse } from '../core/types.js';
import { findUpload } from './multipart-uploads.js';
import { objectOwner } from './object-attributes.js';
import { commitObject } from './object-commit.js';
import { checkWriteConditions } from './preconditions.js';
import { authorizedBucket, type S3Call, type S3Env } from './s3-access.js';
import type {
  CompletedUpload,
  MultipartUpload,
  ObjectRecord,
  PartRecord,
  StoredChecksum,
} from './s3-state.js';
import { child, children, malformedXml, parseXml, text, xmlResponse } from './s3-xml.js';

/** S3's minimum size of every part but the last, in bytes. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

interface RequestedPart {
  partNumber: number;
  etag: string;
  checksum?: string;
}

function parsePartList(body: Buffer): RequestedPart[] {
  const root = child(parseXml(body), 'CompleteMultipartUpload');
  if (!root) throw malformedXml();
  return children(root, 'Part').map((part) => {
    const number = Number(text(part, 'PartNumber'));
    const etag = text(part, 'ETag');
    if (!Number.isInteger(number) || etag === undefined) throw malformedXml();
    const checksum = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']
      .map((a) => text(part, `Checksum${a}`))
      .find((v) => v !== undefined);
    return { partNumber: number, etag: etag.replace(/"/g, '').trim(), checksum };
  });
}

function invalidPart(upload: MultipartUpload, requested: RequestedPart): AwsError {
  return new AwsError(
    'InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    400,
    { UploadId: upload.uploadId, PartNumber: String(requested.partNumber), ETag: requested.etag },
  );
}

/** The stored parts named by the request, in order, after S3's checks. */
function selectParts(upload: MultipartUpload, requested: RequestedPart[]): PartRecord[] {
  if (requested.length === 0) throw new AwsError('InvalidRequest', 'You must specify at least one part', 400);
  const selected: PartRecord[] = [];
  for (const [index, entry] of requested.entries()) {
    if (index > 0 && entry.partNumber <= requested[index - 1]!.partNumber)
      throw new AwsError(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
        400,
        { UploadId: upload.uploadId },
      );
    const part = upload.parts.get(entry.partNumber);
    if (!part || part.etag.replace(/"/g, '') !== entry.etag) throw invalidPart(upload, entry);
    if (entry.checksum !== undefined && part.checksum !== undefined && entry.checksum !== part.checksum)
      throw invalidPart(upload, entry);
    selected.push(part);
  }
  for (const [index, part] of selected.entries()) {
    if (index < selected.length - 1 && part.size < MIN_PART_BYTES)
      throw new AwsError(
        'EntityTooSmall',
        'Your proposed upload is smaller than the minimum allowed size',
        400,
        {
          ProposedSize: String(part.size),
          MinSizeAllowed: String(MIN_PART_BYTES),
          PartNumber: String(part.partNumber),
          ETag: part.etag.replace(/"/g, ''),
        },
      );
  }
  return selected;
}

async function objectChecksum(
  env: S3Env,
  upload: MultipartUpload,
  parts: PartRecord[],
): Promise<StoredChecksum | undefined> {
  const algorithm = upload.checksumAlgorithm;
  if (!algorithm) return undefined;
  if (upload.checksumType === 'FULL_OBJECT') {
    // A full-object CRC covers the bytes of all parts in order; it is computed by streaming them once.
    const digester = createDigester(algorithm);
    for await (const chunk of env.store.read(
      parts.map((p) => p.segment),
      0,
      parts.reduce((sum, p) => sum + p.size, 0),
    ))
      digester.update(chunk as Buffer);
    return { algorithm, value: (await digester.digest()).toString('base64'), type: 'FULL_OBJECT' };
  }
  if (parts.some((p) => p.checksum === undefined)) return undefined;
  const joined = Buffer.concat(parts.map((p) => Buffer.from(p.checksum!, 'base64')));
  return { algorithm, value: `${await digestBase64(algorithm, joined)}-${parts.length}`, type: 'COMPOSITE' };
}

/** The answer to a Complete: the object's location, ETag, checksum and (versioned bucket) version ID. */
function completeResult(env: S3Env, bucket: string, completed: CompletedUpload): ServiceResponse {
  const { key, checksum } = completed;
  const location = `${env.ctx.endpoint()}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return xmlResponse(
    'CompleteMultipartUploadResult',
    [
      ['Location', location],
      ['Bucket', bucket],
      ['Key', key],
      ['ETag', completed.etag],
      [checksum ? checksumField(checksum.algorithm) : 'ChecksumCRC32', checksum?.value],
      ['ChecksumType', checksum?.type],
    ],
    completed.versionId ? { 'x-amz-version-id': completed.versionId } : {},
  );
}

export async function completeMultipartUpload(call: S3Call): Promise<ServiceResponse> {
  const { env, request, key } = call;
  const bucket = authorizedBucket(call, 's3:PutObject');
  const uploadId = request.url.searchParams.get('uploadId') ?? '';
  // A client whose answer was lost retries; S3 answers the retry of a completed upload as the first time.
  const completed = env.state.completion(bucket.name, uploadId);
  if (completed?.key === key && !bucket.uploads.has(uploadId)) {
    await request.readBody();
    return completeResult(env, bucket.name, completed);
  }
  const upload = findUpload(call, bucket);
  const parts = selectParts(upload, parsePartList(await request.readBody()));
  checkWriteConditions(request, key, bucket.objects.get(key));
  // The upload leaves the bucket before anything is awaited, so no concurrent UploadPart can replace
  // (and free) a part that is becoming the object's body.
  bucket.uploads.delete(upload.uploadId);
  let checksum: StoredChecksum | undefined;
  try {
    checksum = await objectChecksum(env, upload, parts);
  } catch (error) {
    bucket.uploads.set(upload.uploadId, upload);
    throw error;
  }
  const md5s = Buffer.concat(parts.map((p) => Buffer.from(p.etag.replace(/"/g, ''), 'hex')));
  const record: ObjectRecord = {
    ...upload.attributes,
    key,
    size: parts.reduce((sum, p) => sum + p.size, 0),
    etag: `"${createHash('md5').update(md5s).digest('hex')}-${parts.length}"`,
    lastModifiedMs: env.ctx.now().getTime(),
    checksum,
    ownerAccountId: objectOwner(request, bucket, upload.attributes.acl),
    segments: parts.map((p) => p.segment),
    partSizes: parts.map((p) => p.size),
    partChecksums: parts.every((p) => p.checksum !== undefined) ? parts.map((p) => p.checksum!) : undefined,
  };
  // Parts that are not in the object are freed; the object's parts now belong to it.
  const used = new Set(parts);
  env.store.release([...upload.parts.values()].filter((p) => !used.has(p)).map((p) => p.segment));
  commitObject(env, request, bucket, record, 'ObjectCreated:CompleteMultipartUpload');
  const result: CompletedUpload = { key, etag: record.etag, versionId: record.versionId, checksum };
  env.state.rememberCompletion(bucket.name, upload.uploadId, result);
  return completeResult(env, bucket.name, result);
}
