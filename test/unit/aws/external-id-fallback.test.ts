/**
 * Between `onboard --rotate-external-id` and the customer applying the new trust policy, AWS
 * refuses the new external ID: workers fall back to a previous one and say so, so the rotation
 * never stops them; once the new ID is accepted they use it at the next refresh.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AwsSettings } from '../../../src/aws/client-factory.js';
import { fromConnection } from '../../../src/aws/credentials.js';
import { AssumeRoleError } from '../../../src/aws/errors.js';
import type { Logger } from '../../../src/observe/logger.js';
import { AssumeRoleCommand, awsError, connection, countingVendor, fakeSts, ROLE_B } from './sts-fakes.js';

const settings: AwsSettings = { region: 'us-east-1', maxAttempts: 1 };
const NEW_ID = 'bb-new-id';
const OLD_ID = 'bb-old-id';
const denied = () =>
  awsError(
    'AccessDenied',
    `User: arn:aws:iam::111111111111:root is not authorized to perform: sts:AssumeRole on resource: ${ROLE_B}`,
  );

/** A logger that keeps its warnings. */
function recordingLogger() {
  const warnings: Array<[Record<string, unknown>, string]> = [];
  const logger = {
    warn: (fields: Record<string, unknown>, message: string) => warnings.push([fields, message]),
    debug: () => undefined,
  } as unknown as Logger;
  return { logger, warnings };
}

describe('AssumeRole during an external-ID rotation', () => {
  let fake: ReturnType<typeof fakeSts>;
  beforeEach(() => {
    fake = fakeSts();
    // The customer has not applied the rotated trust policy: only the old ID is accepted.
    fake.sts.on(AssumeRoleCommand, { ExternalId: NEW_ID }).rejects(denied());
  });
  afterEach(() => {
    fake.sts.restore();
    vi.useRealTimers();
  });

  const externalIdsSent = () =>
    fake.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.ExternalId);

  it('falls back to the previous ID after AccessDenied with the new one, and warns', async () => {
    const { logger, warnings } = recordingLogger();
    const results: string[] = [];
    const provider = fromConnection({
      connection: connection({ externalId: NEW_ID, previousExternalIds: [OLD_ID] }),
      settings,
      vendorCredentials: countingVendor(),
      logger,
      onAssumeRole: (result) => results.push(result),
    });
    const credentials = await provider();
    expect(credentials.accessKeyId).toBe(fake.issued[0]?.credentials.accessKeyId);
    expect(externalIdsSent()).toEqual([NEW_ID, OLD_ID]);
    expect(results).toEqual(['failure', 'success']);
    expect(warnings).toEqual([
      [
        { connection: 'acme', roleArn: ROLE_B, hop: 1, previousExternalId: 1 },
        'AssumeRole with the current externalId was refused: the customer has not applied the rotated trust policy yet; using previousExternalIds until they do',
      ],
    ]);
  });

  it('uses the new ID at the next refresh once the customer has applied it, without a warning', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-04T10:00:00Z') });
    const { logger, warnings } = recordingLogger();
    const provider = fromConnection({
      connection: connection({ externalId: NEW_ID, previousExternalIds: [OLD_ID] }),
      settings,
      vendorCredentials: countingVendor(),
      logger,
    });
    await provider();
    // The customer applies: the new ID is accepted from now on.
    fake.sts.restore();
    fake = fakeSts();
    vi.setSystemTime(new Date('2026-12-04T10:56:00Z'));
    await provider();
    expect(externalIdsSent()).toEqual([NEW_ID]);
    expect(warnings).toHaveLength(1);
  });

  it('tries the current ID alone when no rotation is in progress', async () => {
    const provider = fromConnection({
      connection: connection({ externalId: NEW_ID }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect((error as AssumeRoleError).reason).toBe('access-denied');
    expect(externalIdsSent()).toEqual([NEW_ID]);
  });

  it('when every ID is refused, explains the refusal of the current one', async () => {
    fake.sts.on(AssumeRoleCommand, { ExternalId: OLD_ID }).rejects(denied());
    const provider = fromConnection({
      connection: connection({ externalId: NEW_ID, previousExternalIds: [OLD_ID] }),
      settings,
      vendorCredentials: countingVendor(),
    });
    const error = await provider().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AssumeRoleError);
    expect((error as AssumeRoleError).message).toContain("the connection's externalId does not match it");
    expect(externalIdsSent()).toEqual([NEW_ID, OLD_ID]);
  });

  it('does not try a previous ID after an error other than AccessDenied', async () => {
    fake.sts.reset();
    fake.sts
      .on(AssumeRoleCommand)
      .rejects(awsError('RegionDisabledException', 'STS is not activated in this region', 403));
    const provider = fromConnection({
      connection: connection({ externalId: NEW_ID, previousExternalIds: [OLD_ID] }),
      settings,
      vendorCredentials: countingVendor(),
    });
    await expect(provider()).rejects.toBeInstanceOf(AssumeRoleError);
    expect(externalIdsSent()).toEqual([NEW_ID]);
  });
});
