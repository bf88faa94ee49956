import { describe, expect, it } from 'vitest';
import type { VerifyReport } from '../../../src/onboarding/verify/verify-types.js';
import { deployTemplateOnSandbox, type OnboardedSetup } from '../../helpers/customer-setup.js';
import { verifySetup } from '../../helpers/onboarding.js';
import { uniqueName, useTestSandbox } from '../../helpers/sandbox.js';
import { useTempFolder } from '../../helpers/use-temp-folder.js';

const sandbox = useTestSandbox();
const folder = useTempFolder('bb-verify-cfn-');

const verify = (setup: OnboardedSetup) => verifySetup(sandbox, setup);

function notPassing(report: VerifyReport): string[] {
  return report.connections[0]!.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} ${c.status}`);
}

describe('verify after deploying the generated CloudFormation template with the AWS CLI', () => {
  it('passes every check of a batch connection', async () => {
    const setup = await deployTemplateOnSandbox(sandbox, folder);
    const report = await verify(setup);
    expect(notPassing(report)).toEqual([
      'notification.config skip',
      'topic.policy skip',
      'subscription.state skip',
    ]);
    expect(report.ok).toBe(true);
    // The template's role may delete verify's probe (CleanUpVerifyProbes), and only that.
    expect(report.connections[0]!.checks.find((c) => c.id === 'destination.write')!.detail).toMatch(
      /^wrote the probe object s3:\/\/[^/]+\/.*\.bucketbridge-verify\/[^ ]+-probe\.txt and deleted it$/,
    );
  });

  it('for a live connection, fails only notification.config until the notification is merged', async () => {
    const setup = await deployTemplateOnSandbox(sandbox, folder, {
      workflow: 'live',
      connection: { live: { mode: 'sns', queueName: uniqueName('vendorq') } },
    });
    const report = await verify(setup);
    expect(notPassing(report)).toEqual(['notification.config fail', 'subscription.state warn']);
    expect(report.connections[0]!.checks.find((c) => c.id === 'notification.config')!.remediation).toBe(
      "Run `bucketbridge onboard --apply` (it merges the rule into the bucket's notification configuration), or add by hand the rule in the generated bucket-notification.json.",
    );
  });
});
