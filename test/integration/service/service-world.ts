/**
 * Three connections for `bucketbridge run` from the live worlds (no setup copied): `acme` live in
 * sns mode; `nightly`, a scheduled batch over a second customer's role and buckets; `wrong`, the
 * same batch with an external ID the trust policy does not accept. One ledger in the first
 * world's folder. Starts the CLI as a process and reads its endpoint.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import type { TestSandbox } from '../../helpers/sandbox.js';
import { waitFor } from '../../helpers/wait-for.js';
import {
  type CliProcess,
  createLiveWorld,
  type LiveWorld,
  type LiveWorldOptions,
  logsOf,
  spawnVendorCli,
} from '../live/live-world.js';

export interface ServiceWorld {
  live: LiveWorld;
  batch: LiveWorld;
  configPath: string;
  /** The file's connections as written; tests edit and {@link ServiceWorld.write} them. */
  connections: Array<Record<string, unknown>>;
  write(connections: Array<Record<string, unknown>>, extra?: Record<string, unknown>): void;
  writeRaw(text: string): void;
  spawn(args?: string[]): ServiceProcess;
  close(): void;
}

export interface ServiceProcess extends CliProcess {
  /** The endpoint's base URL, from the `service: listening` log line. */
  url(): Promise<string>;
  status(): Promise<ServiceStatusDoc>;
  /** `/metrics`, parsed ({@link parsePrometheusText}); {@link sample} reads one value. */
  metrics(): Promise<Map<string, number>>;
  logs(msg: string): Array<Record<string, unknown>>;
}

export interface ServiceStatusDoc {
  generation: number;
  connections: Array<{
    name: string;
    workflow: string;
    state: string;
    counters: Record<string, number>;
    lastError: { message: string; code?: string; at: string } | null;
    nextRunAt: string | null;
    lastVerify: { at: string; passed: boolean; failedChecks: string[] } | null;
  }>;
}

/** `options` apply to both customer worlds (e.g. a short visibility timeout for crash tests). */
export async function createServiceWorld(
  sandbox: TestSandbox,
  options: Omit<LiveWorldOptions, 'mode'> = {},
): Promise<ServiceWorld> {
  const live = await createLiveWorld(sandbox, { ...options, mode: 'sns' });
  const batch = await createLiveWorld(sandbox, { ...options, mode: 'sqs' });
  const base = parse(readFileSync(live.configPath, 'utf8')) as Record<string, unknown> & {
    connections: Array<Record<string, unknown>>;
  };
  const batchFile = parse(readFileSync(batch.configPath, 'utf8')) as typeof base;
  const { live: _live, ...batchConnection } = batchFile.connections[0]!;
  const nightly = { ...batchConnection, name: 'nightly', workflow: 'batch', schedule: '1h' };
  const wrong = { ...nightly, name: 'wrong', externalId: 'not-the-external-id' };
  const connections = [base.connections[0]!, nightly, wrong];
  const configPath = live.configPath;
  const processes: ChildProcessWithoutNullStreams[] = [];
  const write = (list: Array<Record<string, unknown>>, extra: Record<string, unknown> = {}) =>
    writeFileSync(configPath, stringify({ ...base, ...extra, connections: list }));
  write(connections);

  return {
    live,
    batch,
    configPath,
    connections,
    write,
    writeRaw: (text) => writeFileSync(configPath, text),
    spawn(args = []) {
      const cli = spawnVendorCli(sandbox, [
        'run',
        '--config',
        configPath,
        '--listen',
        '127.0.0.1:0',
        ...args,
      ]);
      processes.push(cli.child);
      const logs = (msg: string) => logsOf(cli, msg);
      const url = async () => {
        await waitFor('the endpoint to listen', () => logs('service: listening').length > 0);
        return logs('service: listening')[0]!.address as string;
      };
      return {
        ...cli,
        logs,
        url,
        async status() {
          const response = await fetch(`${await url()}/api/status`);
          return (await response.json()) as ServiceStatusDoc;
        },
        async metrics() {
          return parsePrometheusText(await (await fetch(`${await url()}/metrics`)).text());
        },
      };
    },
    close() {
      for (const child of processes)
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      live.close();
      batch.close();
    },
  };
}

/** The value of one sample of Prometheus text, e.g. `name{a="b",c="d"}`; undefined when absent. */
export function sample(
  metrics: Map<string, number>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  return metrics.get(wanted === '' ? name : `${name}{${wanted}}`);
}

/**
 * Parses Prometheus text exposition (version 0.0.4): comments and `name{labels} value` lines;
 * throws on a line that is neither, so a malformed exposition fails the test.
 */
export function parsePrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
  const label = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
  for (const raw of text.split('\n')) {
    if (raw === '' || raw.startsWith('# HELP ') || raw.startsWith('# TYPE ')) continue;
    const match = line.exec(raw);
    if (!match) throw new Error(`not Prometheus text: ${raw}`);
    const [, name, labelText = '', valueText] = match;
    const labels = [...labelText.matchAll(label)].map((m) => `${m[1]}="${m[2]}"`).sort();
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    // Prometheus reads floats as Go's ParseFloat does: NaN in any case (prom-client writes `Nan`).
    if (Number.isNaN(value) && !/^nan$/i.test(valueText!)) throw new Error(`not a number: ${raw}`);
    samples.set(labels.length === 0 ? name! : `${name}{${labels.join(',')}}`, value);
  }
  return samples;
}
