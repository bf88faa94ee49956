import { resolveConfigPath } from '../../config/config-path.js';
import { parseSetFlags } from '../../config/init/init-answers.js';
import { runInit } from '../../config/init/run-init.js';

/** `init`: interactive on a terminal (stdin and stderr) unless --non-interactive; the outcome on stderr. */
export async function runInitCommand(options: {
  config?: string;
  force?: boolean;
  nonInteractive?: boolean;
  set?: string[];
}): Promise<void> {
  const path = resolveConfigPath(options.config);
  const preset = parseSetFlags(options.set ?? []);
  const interactive =
    !options.nonInteractive && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY);
  const written = await runInit({ path, force: options.force ?? false, interactive, preset });
  process.stderr.write(
    `Wrote ${written}. Check it with: bucketbridge config validate --config ${written}\n` +
      'Credentials are not in the file: bucketbridge uses the AWS credential chain (AWS_PROFILE, environment, SSO, instance role).\n',
  );
}
