/**
 * S3 operations driven directly through the service with ServiceRequest objects: the response
 * documents and status codes clients parse, for behaviours the SDK-level suites do not reach.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Service } from '../../../../sandbox/core/types.js';
import { createS3Service } from '../../../../sandbox/s3/s3-service.js';
import { bodyText, type FakeS3Context, fakeContext, s3Request } from './fake-s3-context.js';

let ctx: FakeS3Context;
let s3: Service;

async function send(method: string, path: string, options: Parameters<typeof s3Request>[2] = {}) {
  const response = await s3.handle(s3Request(method, path, options));
  return { status: response.status, headers: response.headers ?? {}, text: await bodyText(response.body) };
}

beforeEach(async () => {
  ctx = fakeContext();
  s3 = createS3Service(ctx);
  expect((await send('PUT', '/ops-bucket')).status).toBe(200);
});

describe('copy-source conditions', () => {
  it.each([
    ['x-amz-copy-source-if-match', '"0000"', 'x-amz-copy-source-If-Match'],
    ['x-amz-copy-source-if-none-match', 'ETAG', 'x-amz-copy-source-If-None-Match'],
    [
      'x-amz-copy-source-if-unmodified-since',
      'Mon, 01 Jan 2001 00:00:00 GMT',
      'x-amz-copy-source-If-Unmodified-Since',
    ],
    [
      'x-amz-copy-source-if-modified-since',
      'Fri, 01 Jan 2100 00:00:00 GMT',
      'x-amz-copy-source-If-Modified-Since',
    ],
  ])('a failed %s is 412 PreconditionFailed naming the condition', async (name, value, condition) => {
    const put = await send('PUT', '/ops-bucket/src', { body: 'x' });
    const headerValue = value === 'ETAG' ? String(put.headers.etag) : value;
    const copy = await send('PUT', '/ops-bucket/dst', {
      headers: { 'x-amz-copy-source': '/ops-bucket/src', [name]: headerValue },
    });
    expect(copy.status).toBe(412);
    expect(copy.text).toContain(`<Condition>${condition}</Condition>`);
    expect((await send('HEAD', '/ops-bucket/dst')).status).toBe(404);
  });

  it('copying an object onto itself without changes is refused', async () => {
    await send('PUT', '/ops-bucket/self', { body: 'x' });
    const copy = await send('PUT', '/ops-bucket/self', {
      headers: { 'x-amz-copy-source': 'ops-bucket/self' },
    });
    expect(copy.status).toBe(400);
    expect(copy.text).toContain(
      "<Message>This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.</Message>",
    );
  });
});

describe('DeleteObjects', () => {
  it('Quiet mode reports only errors', async () => {
    await send('PUT', '/ops-bucket/a', { body: 'x' });
    const result = await send('POST', '/ops-bucket?delete', {
      body: '<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object><Object><Key>never-existed</Key></Object></Delete>',
    });
    expect(result.status).toBe(200);
    expect(result.text).toContain(
      '<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>',
    );
  });

  it('more than 1,000 keys is MalformedXML', async () => {
    const objects = Array.from({ length: 1001 }, (_, i) => `<Object><Key>k${i}</Key></Object>`).join('');
    const result = await send('POST', '/ops-bucket?delete', { body: `<Delete>${objects}</Delete>` });
    expect(result.status).toBe(400);
    expect(result.text).toContain('<Code>MalformedXML</Code>');
  });
});

describe('listing documents', () => {
  it('ListObjectsV2 includes Owner only with fetch-owner=true; ListObjects always does', async () => {
    await send('PUT', '/ops-bucket/k', { body: 'x' });
    expect((await send('GET', '/ops-bucket?list-type=2')).text).not.toContain('<Owner>');
    const owned = await send('GET', '/ops-bucket?list-type=2&fetch-owner=true');
    expect(owned.text).toMatch(/<Owner><ID>[0-9a-f]{64}<\/ID><DisplayName>customer<\/DisplayName><\/Owner>/);
    expect((await send('GET', '/ops-bucket')).text).toContain('<Owner>');
  });

  it.each([
    ['max-keys=-1', 'Provided max-keys not an integer or within integer range'],
    ['encoding-type=base64', 'Invalid Encoding Method specified in Request'],
    ['continuation-token=bm90LW91cnM%3D', 'The continuation token provided is incorrect'],
  ])('list-type=2&%s is InvalidArgument: %s', async (query, message) => {
    const result = await send('GET', `/ops-bucket?list-type=2&${query}`);
    expect(result.status).toBe(400);
    expect(result.text).toContain(`<Message>${message}</Message>`);
  });

  it('ListMultipartUploads pages with key and upload-id markers', async () => {
    const ids: string[] = [];
    for (const key of ['u/a', 'u/b', 'u/c']) {
      const created = await send('POST', `/ops-bucket/${key}?uploads`);
      ids.push(/<UploadId>([^<]+)<\/UploadId>/.exec(created.text)![1]!);
    }
    const first = await send('GET', '/ops-bucket?uploads&max-uploads=2');
    expect(first.text).toContain('<IsTruncated>true</IsTruncated>');
    expect(first.text).toContain(
      `<NextKeyMarker>u/b</NextKeyMarker><NextUploadIdMarker>${ids[1]}</NextUploadIdMarker>`,
    );
    const second = await send('GET', `/ops-bucket?uploads&key-marker=u/b&upload-id-marker=${ids[1]}`);
    expect([...second.text.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1])).toEqual(['u/c']);
  });
});

describe('bucket configuration', () => {
  it('bucket tags are stored, read and deleted; reading none is NoSuchTagSet', async () => {
    const tagging = '<Tagging><TagSet><Tag><Key>team</Key><Value>data</Value></Tag></TagSet></Tagging>';
    expect((await send('PUT', '/ops-bucket?tagging', { body: tagging })).status).toBe(204);
    expect((await send('GET', '/ops-bucket?tagging')).text).toContain(
      '<Tag><Key>team</Key><Value>data</Value></Tag>',
    );
    expect((await send('DELETE', '/ops-bucket?tagging')).status).toBe(204);
    const none = await send('GET', '/ops-bucket?tagging');
    expect(none.status).toBe(404);
    expect(none.text).toContain('<Code>NoSuchTagSet</Code>');
  });

  it('after DeleteBucketOwnershipControls there are no controls and canned ACLs are accepted', async () => {
    expect((await send('DELETE', '/ops-bucket?ownershipControls')).status).toBe(204);
    const controls = await send('GET', '/ops-bucket?ownershipControls');
    expect(controls.status).toBe(404);
    expect(controls.text).toContain('<Message>The bucket ownership controls were not found</Message>');
    expect(
      (await send('PUT', '/ops-bucket/k', { body: 'x', headers: { 'x-amz-acl': 'public-read' } })).status,
    ).toBe(200);
  });

  it('a sub-resource the sandbox does not serve is answered with S3’s NotImplemented', async () => {
    const result = await send('GET', '/ops-bucket?lifecycle');
    expect(result.status).toBe(501);
    expect(result.text).toContain('<Code>NotImplemented</Code>');
  });

  it('a missing key is AccessDenied for a caller without s3:ListBucket', async () => {
    ctx.denied.add('s3:ListBucket');
    const result = await send('GET', '/ops-bucket/absent');
    expect(result.status).toBe(403);
    expect(result.text).toContain('<Code>AccessDenied</Code>');
  });

  it('an object in an archive storage class answers HEAD but refuses GET and copy with InvalidObjectState', async () => {
    await send('PUT', '/ops-bucket/cold', { body: 'x', headers: { 'x-amz-storage-class': 'DEEP_ARCHIVE' } });
    expect((await send('HEAD', '/ops-bucket/cold')).headers['x-amz-storage-class']).toBe('DEEP_ARCHIVE');
    const get = await send('GET', '/ops-bucket/cold');
    expect(get.status).toBe(403);
    expect(get.text).toContain(
      "<Code>InvalidObjectState</Code><Message>The operation is not valid for the object's storage class</Message>",
    );
    const copy = await send('PUT', '/ops-bucket/warm', {
      headers: { 'x-amz-copy-source': 'ops-bucket/cold' },
    });
    expect(copy.status).toBe(403);
  });

  it('a declared body over 5 GiB is EntityTooLarge before anything is received', async () => {
    const put = await send('PUT', '/ops-bucket/huge', {
      headers: { 'content-length': String(5 * 1024 ** 3 + 1) },
    });
    expect(put.status).toBe(400);
    expect(put.text).toContain('<Message>Your proposed upload exceeds the maximum allowed size</Message>');
  });
});
