/**
 * Aborts the incomplete multipart uploads a crashed run left for one output key. The ledger names
 * those keys (outputs noted as pending by the claim the crashed run held), so only uploads this
 * tool started for that object are touched, and only those initiated before the takeover.
 */
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';

export interface AbandonedOutput {
  bucket: string;
  key: string;
}

/** Aborts every incomplete upload of exactly `output.key` initiated before `before`; returns how many. */
export async function abortAbandonedUploads(
  s3: S3Client,
  output: AbandonedOutput,
  before: Date,
  signal?: AbortSignal,
): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: output.bucket,
        Prefix: output.key,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
      { abortSignal: signal },
    );
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== output.key || upload.UploadId === undefined) continue;
      if (upload.Initiated !== undefined && upload.Initiated >= before) continue;
      await s3.send(
        new AbortMultipartUploadCommand({
          Bucket: output.bucket,
          Key: output.key,
          UploadId: upload.UploadId,
        }),
        { abortSignal: signal },
      );
      aborted++;
    }
    const more = page.IsTruncated === true;
    keyMarker = more ? page.NextKeyMarker : undefined;
    uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  return aborted;
}
