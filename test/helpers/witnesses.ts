/**
 * Third-party clients as independent witnesses of the sandbox's wire behaviour: the AWS CLI
 * (v1 from PATH, v2 at /usr/bin/aws), Python boto3 and rclone, each run as a process with the
 * environment `TestSandbox.env()` / `rcloneEnv()` gives.
 *
 * ```ts
 * const r = await runAwsCli('v2', ['s3', 'ls'], sandbox);
 * const out = await runBoto3(`print(s3.list_buckets()["Buckets"])`, sandbox);
 * ```
 */
import { spawn } from 'node:child_process';
import type { Signer, TestSandbox } from './sandbox.js';

export interface ProcessResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string | Buffer;
  cwd?: string;
  /** Kill the process after this many milliseconds. Default 60,000. */
  timeoutMs?: number;
}

/** Runs a command (no shell) and collects its output. */
export function runProcess(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      // The witness sees only what the test gives it, plus PATH/HOME so the tools can start.
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LANG: 'C.UTF-8', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Where each AWS CLI lives: v1 is the Python package on PATH, v2 Debian's `awscli` package. */
export const AWS_CLI = { v1: 'aws', v2: '/usr/bin/aws' } as const;

/**
 * Runs the AWS CLI against the sandbox as `signer` (default customer). `--endpoint-url` is passed
 * explicitly because the CLI v2 here predates `AWS_ENDPOINT_URL`; output is JSON.
 */
export function runAwsCli(
  version: keyof typeof AWS_CLI,
  args: string[],
  sandbox: TestSandbox,
  signer?: Signer,
  options: RunOptions = {},
): Promise<ProcessResult> {
  return runProcess(AWS_CLI[version], ['--endpoint-url', sandbox.endpoint, '--output', 'json', ...args], {
    ...options,
    env: { ...sandbox.env(signer), ...options.env },
  });
}

/**
 * Runs a Python snippet with boto3 against the sandbox. The snippet finds ready clients `s3`,
 * `sts`, `iam`, `sqs`, `sns` (path-style S3) and `json` imported; print what the test checks.
 */
export function runBoto3(
  snippet: string,
  sandbox: TestSandbox,
  signer?: Signer,
  options: RunOptions = {},
): Promise<ProcessResult> {
  const prelude = [
    'import json, boto3',
    'from botocore.config import Config',
    '_cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1, "mode": "standard"})',
    's3 = boto3.client("s3", config=_cfg)',
    'sts = boto3.client("sts", config=_cfg)',
    'iam = boto3.client("iam", config=_cfg)',
    'sqs = boto3.client("sqs", config=_cfg)',
    'sns = boto3.client("sns", config=_cfg)',
    'kms = boto3.client("kms", config=_cfg)',
  ].join('\n');
  return runProcess('python3', ['-c', `${prelude}\n${snippet}`], {
    ...options,
    env: { ...sandbox.env(signer), ...options.env },
  });
}

/**
 * Runs rclone with a remote named `sandbox.rcloneRemote(signer)` defined in the environment,
 * e.g. `runRclone(['lsf', `${sandbox.rcloneRemote()}:bucket`], sandbox)`.
 */
export function runRclone(
  args: string[],
  sandbox: TestSandbox,
  signer?: Signer,
  options: RunOptions = {},
): Promise<ProcessResult> {
  return runProcess('rclone', ['--retries', '1', '--low-level-retries', '1', ...args], {
    ...options,
    env: { ...sandbox.rcloneEnv(signer), ...options.env },
  });
}
