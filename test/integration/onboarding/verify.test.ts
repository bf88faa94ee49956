/**
 * `verify` against the sandbox for a batch connection, with the vendor's credentials: after a proper
 * `onboard --apply` every check passes; each way a customer can break the setup fails exactly its
 * own check, and only the checks that depend on it are skipped.
 */
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand, UpdateRoleCommand } from '@aws-sdk/client-iam';
import { PutBucketOwnershipControlsCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../src/onboarding/verify/verify-types.js';
import {
  CUSTOMER_ACCOUNT,
  type OnboardedSetup,
  type OnboardOptions,
  onboardOnSandbox,
  VENDOR_ACCOUNT,
} from '../../helpers/customer-setup.js';
import {
  findCheck as check,
  removeGrantedAction,
  replaceTrustPolicy,
  checkStatuses as statuses,
  trustPolicy,
  verifySetup,
} from '../../helpers/onboarding.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';
import { runAwsCli } from '../../helpers/witnesses.js';

const sandbox = useTestSandbox();

const verify = (setup: OnboardedSetup) =>
  verifySetup(sandbox, setup, { now: new Date('2026-11-23T19:35:00.000Z') });

const BATCH_PASS = {
  'role.assume': 'pass',
  'role.external-id-enforced': 'pass',
  'role.duration': 'pass',
  identity: 'pass',
  'buckets.region': 'pass',
  'source.list': 'pass',
  'source.read': 'pass',
  'source.encryption': 'pass',
  'destination.write': 'pass',
  'destination.acl': 'pass',
  'notification.config': 'skip',
  'topic.policy': 'skip',
  'subscription.state': 'skip',
};

describe('verify after a proper onboard --apply of a batch connection', () => {
  let setup: OnboardedSetup;
  let report: VerifyReport;
  beforeAll(async () => {
    setup = await onboardOnSandbox(sandbox);
    report = await verify(setup);
  });

  it('passes every check, and skips the live checks with the reason', () => {
    expect(statuses(report)).toEqual(BATCH_PASS);
    expect(report.ok).toBe(true);
    expect(report.connections[0]!.processingRegion).toBe(sandbox.region);
    const notification = report.connections[0]!.checks.find((c) => c.id === 'notification.config')!;
    expect(notification.detail).toBe('workflow is batch: no event notification is used');
  });

  it('names the role, the customer account and the region in the details', () => {
    const detail = (id: string) => report.connections[0]!.checks.find((c) => c.id === id)!.detail;
    const role = setup.connection.assumeRoleArn[0]!;
    expect(detail('role.assume')).toBe(`assumed ${role} with the configured external ID (role ${role})`);
    expect(detail('role.external-id-enforced')).toBe(
      `role ${role} refuses AssumeRole with no external ID and with a wrong one`,
    );
    expect(detail('identity')).toBe(
      `caller arn:aws:sts::${CUSTOMER_ACCOUNT}:assumed-role/${setup.context.roleName}/bucketbridge-acme in the customer's account ${CUSTOMER_ACCOUNT}`,
    );
    expect(detail('buckets.region')).toBe(
      `source ${setup.connection.source.bucket} in ${sandbox.region}, destination ${setup.connection.destination.bucket} in ${sandbox.region}; processed in ${sandbox.region}`,
    );
    expect(detail('source.read')).toBe(
      `read s3://${setup.connection.source.bucket}/in/sample.txt (6 bytes; HEAD and the first byte)`,
    );
  });

  it('deletes the probe object it wrote (the AWS CLI as the customer finds none left), and says so', async () => {
    const listed = await runAwsCli(
      'v1',
      [
        's3api',
        'list-objects-v2',
        '--bucket',
        setup.connection.destination.bucket,
        '--prefix',
        'out/.bucketbridge-verify/',
      ],
      sandbox,
      'customer',
    );
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout || '{}') as { Contents?: unknown[] }).Contents).toBeUndefined();
    const write = report.connections[0]!.checks.find((c) => c.id === 'destination.write')!;
    expect(write.detail).toBe(
      `wrote the probe object s3://${setup.connection.destination.bucket}/out/.bucketbridge-verify/2026-11-23T19-35-00-000Z-probe.txt and deleted it`,
    );
  });
});

/** Onboards properly, breaks one thing, verifies; returns the statuses and the report. */
async function broken(
  breakIt: (setup: OnboardedSetup) => Promise<OnboardedSetup | undefined>,
  options: OnboardOptions = {},
): Promise<VerifyReport> {
  const setup = await onboardOnSandbox(sandbox, options);
  const changed = (await breakIt(setup)) ?? setup;
  return verify(changed);
}

/** The checks that need a session of the configured length: skipped when role.duration fails. */
const SKIPPED_AFTER_DURATION = {
  identity: 'skip',
  'buckets.region': 'skip',
  'source.list': 'skip',
  'source.read': 'skip',
  'source.encryption': 'skip',
  'destination.write': 'skip',
  'destination.acl': 'skip',
};

/** The checks that need the role: skipped when role.assume fails. */
const SKIPPED_AFTER_ASSUME = {
  'role.external-id-enforced': 'skip',
  'role.duration': 'skip',
  ...SKIPPED_AFTER_DURATION,
};

describe('verify on a broken setup fails exactly its own check', () => {
  it('a trust policy without the vendor principal fails role.assume; everything depending on the role is skipped', async () => {
    const report = await broken(async (setup) => {
      await replaceTrustPolicy(
        setup,
        trustPolicy('arn:aws:iam::333333333333:root', setup.connection.externalId),
      );
      return undefined;
    });
    expect(statuses(report)).toEqual({ ...BATCH_PASS, 'role.assume': 'fail', ...SKIPPED_AFTER_ASSUME });
    expect(report.ok).toBe(false);
    const assume = check(report, 'role.assume');
    expect(assume.detail).toMatch(
      new RegExp(
        `^Cannot assume role arn:aws:iam::${CUSTOMER_ACCOUNT}:role/role-[a-z0-9-]+ as arn:aws:iam::${VENDOR_ACCOUNT}:root: access denied\\.`,
      ),
    );
    expect(assume.detail).toContain("the role's trust policy does not name");
    expect(assume.remediation).toContain(
      `allow sts:AssumeRole to the vendor principals (arn:aws:iam::${VENDOR_ACCOUNT}:root)`,
    );
    expect(check(report, 'identity').detail).toBe('skipped: role.assume failed');
  });

  it('a trust policy without the sts:ExternalId condition fails role.external-id-enforced as unsafe', async () => {
    const report = await broken(async (setup) => {
      await replaceTrustPolicy(setup, trustPolicy(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, undefined));
      return undefined;
    });
    expect(statuses(report)).toEqual({ ...BATCH_PASS, 'role.external-id-enforced': 'fail' });
    const enforced = check(report, 'role.external-id-enforced');
    expect(enforced.detail).toMatch(
      /can be assumed with no external ID and with a wrong external ID: unsafe to use, anyone trusted who learns the role ARN can use it$/,
    );
    expect(enforced.remediation).toMatch(/^Add the condition StringEquals sts:ExternalId = ext-/);
  });

  it('a wrong external ID in the configuration fails role.assume', async () => {
    const report = await broken(async (setup) => {
      const connection = { ...setup.connection, externalId: 'not-the-customers-id' };
      return { ...setup, connection, config: { ...setup.config, connections: [connection] } };
    });
    expect(statuses(report)).toEqual({ ...BATCH_PASS, 'role.assume': 'fail', ...SKIPPED_AFTER_ASSUME });
    expect(check(report, 'role.assume').detail).toContain("the connection's externalId does not match it");
  });

  it('a role without s3:ListBucket fails source.list, and source.read is skipped', async () => {
    const report = await broken(async (setup) => {
      await removeGrantedAction(setup, 's3:ListBucket');
      return undefined;
    });
    expect(statuses(report)).toEqual({
      ...BATCH_PASS,
      'source.list': 'fail',
      'source.read': 'skip',
      'source.encryption': 'skip',
    });
    const list = check(report, 'source.list');
    expect(list.detail).toMatch(/^ListObjectsV2 s3:\/\/src-[a-z0-9-]+\/in\/: AccessDenied: /);
    expect(list.remediation).toMatch(
      /^Grant the role s3:ListBucket on arn:aws:s3:::src-[a-z0-9-]+ with the condition StringLike s3:prefix = "in\/\*"/,
    );
  });

  it('a role without s3:PutObject fails destination.write, and destination.acl is skipped', async () => {
    const report = await broken(async (setup) => {
      await removeGrantedAction(setup, 's3:PutObject');
      return undefined;
    });
    expect(statuses(report)).toEqual({
      ...BATCH_PASS,
      'destination.write': 'fail',
      'destination.acl': 'skip',
    });
    expect(check(report, 'destination.write').detail).toMatch(
      /^PutObject s3:\/\/dst-[a-z0-9-]+\/out\/\.bucketbridge-verify\/2026-11-23T19-35-00-000Z-probe\.txt: AccessDenied: /,
    );
  });

  // `private` from the bucket owner's own account is a no-op AWS accepts even with ACLs disabled;
  // `bucket-owner-read` is refused from every account, so every output would fail.
  it('an ACL configured on a bucket with ACLs disabled (BucketOwnerEnforced) fails destination.acl only', async () => {
    const report = await broken(async () => undefined, {
      connection: {
        destination: { bucket: uniqueName('dst-acl'), prefix: 'out/', acl: 'bucket-owner-read' },
      },
    });
    expect(statuses(report)).toEqual({ ...BATCH_PASS, 'destination.acl': 'fail' });
    const acl = check(report, 'destination.acl');
    expect(acl.detail).toMatch(
      /^destination\.acl is bucket-owner-read but bucket dst-acl-[a-z0-9]+ has ACLs disabled \(BucketOwnerEnforced: PutObject with an ACL answered AccessControlListNotSupported\): every output would be refused$/,
    );
    expect(acl.remediation).toMatch(/^Remove `acl` from the connection's destination/);
  });

  it("a session longer than the role's MaxSessionDuration fails role.duration, naming the rule", async () => {
    const report = await broken(
      async (setup) => {
        await setup.clients.iam.send(
          new UpdateRoleCommand({ RoleName: setup.context.roleName, MaxSessionDuration: 3600 }),
        );
        return undefined;
      },
      { connection: { stsCredsExpirationTime: '2h' } },
    );
    expect(statuses(report)).toEqual({ ...BATCH_PASS, 'role.duration': 'fail', ...SKIPPED_AFTER_DURATION });
    const duration = check(report, 'role.duration');
    expect(duration.detail).toContain("stsCredsExpirationTime 2h exceeds the role's MaxSessionDuration");
    expect(duration.remediation).toBe(
      "Raise the role's MaxSessionDuration to at least 2h (IAM allows up to 12h; the generated template sets it), or lower stsCredsExpirationTime.",
    );
  });

  it('an ACL configured on a bucket that accepts ACLs (BucketOwnerPreferred) passes destination.acl', async () => {
    const report = await broken(
      async (setup) => {
        await setup.clients.s3.send(
          new PutBucketOwnershipControlsCommand({
            Bucket: setup.connection.destination.bucket,
            OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
          }),
        );
        return undefined;
      },
      { connection: { destination: { bucket: uniqueName('dst'), prefix: 'out/', acl: 'private' } } },
    );
    expect(statuses(report)).toEqual(BATCH_PASS);
    expect(check(report, 'destination.acl').detail).toMatch(
      /^bucket dst-[a-z0-9-]+ accepts the ACL private on outputs$/,
    );
  });

  it('a chained session longer than 1h fails role.duration, naming the role-chaining cap', async () => {
    // A vendor-side role first (as vendors often run), then the customer's role: hop 2 is chained.
    const vendorIam = new IAMClient(sandbox.sdkConfig('vendor'));
    const vendorRole = uniqueName('VendorHop');
    await vendorIam.send(
      new CreateRoleCommand({
        RoleName: vendorRole,
        AssumeRolePolicyDocument: trustPolicy(`arn:aws:iam::${VENDOR_ACCOUNT}:root`, undefined),
        MaxSessionDuration: 7200,
      }),
    );
    await vendorIam.send(
      new PutRolePolicyCommand({
        RoleName: vendorRole,
        PolicyName: 'AssumeCustomerRoles',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'sts:AssumeRole',
              Resource: `arn:aws:iam::${CUSTOMER_ACCOUNT}:role/*`,
            },
          ],
        }),
      }),
    );
    const report = await broken(
      async (setup) => {
        const connection = {
          ...setup.connection,
          assumeRoleArn: [
            `arn:aws:iam::${VENDOR_ACCOUNT}:role/${vendorRole}`,
            ...setup.connection.assumeRoleArn,
          ],
        };
        return { ...setup, connection, config: { ...setup.config, connections: [connection] } };
      },
      { connection: { stsCredsExpirationTime: '2h' } },
    );
    expect(statuses(report)).toEqual({ ...BATCH_PASS, 'role.duration': 'fail', ...SKIPPED_AFTER_DURATION });
    const duration = check(report, 'role.duration');
    expect(duration.detail).toContain('stsCredsExpirationTime 2h is longer than role chaining allows');
    expect(duration.remediation).toBe(
      'Set stsCredsExpirationTime to 1h or less: AWS caps a session obtained with the credentials of another assumed role (role chaining) at 1h.',
    );
  });
});
