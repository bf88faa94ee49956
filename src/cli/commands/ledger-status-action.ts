/**
 * `ledger status`: what the ledger holds, per connection. Text for people on stdout; `--json`
 * prints one document whose shape is documented in docs/scale-out.md and kept stable.
 */
import { createLedger } from '../../state/create-ledger.js';
import type { ConnectionSummary } from '../../state/ledger-maintenance.js';
import { backendOf, ledgerLabel, loadForLedger, onLedger } from './ledger-access.js';

export interface LedgerStatusFlags {
  config?: string;
  connection?: string;
  top?: number;
  json?: boolean;
}

/** `2d3h`, `5h12m`, `4m10s`, `9s`: the two largest units, for an age a person reads. */
export function formatAge(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.max(0, Math.floor(ms / 1000));
  const parts: string[] = [];
  for (const [unit, sec] of units) {
    const n = Math.floor(rest / sec);
    rest -= n * sec;
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    if (parts.length === 2) break;
  }
  // `3d` rather than `3d0h`.
  if (parts[1]?.startsWith('0')) parts.pop();
  return parts.length === 0 ? '0s' : parts.join('');
}

export async function runLedgerStatus(flags: LedgerStatusFlags): Promise<void> {
  const loaded = await loadForLedger(flags);
  const setting = loaded.config.ledger;
  const summaries = await onLedger(setting, async () => {
    // Read only: no file is created and no schema migrated just to look.
    const ledger = createLedger({ setting, configPath: loaded.path, readOnly: true });
    if (ledger === undefined) return [];
    try {
      return await ledger.summarize({ connection: flags.connection, maxReasons: flags.top ?? 10 });
    } finally {
      await ledger.close();
    }
  });
  const now = Date.now();
  if (flags.json) {
    const document = {
      ledger: ledgerLabel(setting),
      backend: backendOf(setting),
      connections: summaries.map((s) => statusJson(s, now)),
    };
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return;
  }
  process.stdout.write(statusText(ledgerLabel(setting), summaries, now));
}

function statusJson(summary: ConnectionSummary, now: number) {
  const claim = summary.oldestClaim;
  return {
    connection: summary.connection,
    claimed: summary.claimed,
    done: summary.done,
    failed: summary.failed,
    oldestClaim:
      claim === undefined
        ? null
        : {
            bucket: claim.bucket,
            key: claim.key,
            version: claim.version,
            claimedAt: claim.claimedAt.toISOString(),
            ageSec: Math.max(0, Math.floor((now - claim.claimedAt.getTime()) / 1000)),
            owner: claim.owner,
            leaseUntil: claim.leaseUntil.toISOString(),
            leaseExpired: claim.leaseUntil.getTime() <= now,
          },
    failuresByReason: summary.failuresByReason,
  };
}

function statusText(label: string, summaries: ConnectionSummary[], now: number): string {
  const lines = [`Ledger ${label}`];
  if (summaries.length === 0) lines.push('No entries.');
  for (const s of summaries) {
    lines.push('', `${s.connection}: ${s.claimed} claimed, ${s.done} done, ${s.failed} failed`);
    const claim = s.oldestClaim;
    if (claim !== undefined) {
      const lease =
        claim.leaseUntil.getTime() <= now
          ? `lease expired ${formatAge(now - claim.leaseUntil.getTime())} ago (the next run takes it over)`
          : `lease ends in ${formatAge(claim.leaseUntil.getTime() - now)}`;
      lines.push(
        `  oldest claim: s3://${claim.bucket}/${claim.key} (version ${claim.version}), claimed ${formatAge(now - claim.claimedAt.getTime())} ago`,
        `    by run ${claim.owner.runId} on ${claim.owner.host} (pid ${claim.owner.pid}); ${lease}`,
      );
    }
    if (s.failuresByReason.length > 0) {
      lines.push('  failures by reason:');
      for (const f of s.failuresByReason) lines.push(`    ${String(f.count).padStart(6)}  ${f.reason}`);
      const listed = s.failuresByReason.reduce((sum, f) => sum + f.count, 0);
      if (listed < s.failed) lines.push(`    ${String(s.failed - listed).padStart(6)}  (other reasons)`);
    }
  }
  return `${lines.join('\n')}\n`;
}
