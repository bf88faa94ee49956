/** Where the configuration file is when `--config` is not given. */

/** The file name looked for in the current directory. */
export const DEFAULT_CONFIG_FILE = 'bucketbridge.yaml';

/** `--config`, else BUCKETBRIDGE_CONFIG, else ./bucketbridge.yaml. */
export function resolveConfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.BUCKETBRIDGE_CONFIG;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return DEFAULT_CONFIG_FILE;
}
