/**
 * The sandbox's keys: each account's root keys (deterministic, so docs and tests can name them)
 * and the temporary credentials STS issues. Expired sessions are kept for a while so a request
 * signed with one gets `ExpiredToken`, not `InvalidAccessKeyId`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { CallerIdentity } from '../core/identity.js';
import type { CredentialStore, SandboxAccount, SessionCredentials } from '../core/types.js';

/** The switch that makes temporary credentials expire sooner than asked, for refresh tests. */
export interface SessionLifetimeOptions {
  /** Multiplies every session's duration (0 < factor ≤ 1). Default 1. */
  sessionLifetimeFactor?: number;
  /** Caps every session's lifetime, in seconds. Default: no cap. */
  maxSessionSec?: number;
  /**
   * Report the nominal expiration to the client while the session actually ends sooner, so the
   * client only learns of expiry from `ExpiredToken` (tests reactive refresh). Default false.
   */
  reportNominalExpiration?: boolean;
}

/** Expired sessions are forgotten after this long (a day), bounding the store. */
const EXPIRED_RETENTION_MS = 24 * 3600 * 1000;

/** The root access key of an account: `AKIA` + the account id + `ROOT`. */
export function rootAccessKeyId(accountId: string): string {
  return `AKIA${accountId}ROOT`;
}

/** The root secret of an account: derived from its id, 40 characters like AWS's. */
export function rootSecretAccessKey(accountId: string): string {
  return createHash('sha256').update(`bucketbridge-sandbox-root:${accountId}`).digest('base64').slice(0, 40);
}

/** An account with its deterministic root keys. */
export function sandboxAccount(name: string, id: string): SandboxAccount {
  return { name, id, accessKeyId: rootAccessKeyId(id), secretAccessKey: rootSecretAccessKey(id) };
}

interface StoredSession {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** When the sandbox stops accepting it (ms since epoch). */
  expiresAtMs: number;
  identity: Omit<CallerIdentity, 'accessKeyId' | 'expiresAt'>;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomKeyId(prefix: string): string {
  const bytes = randomBytes(16);
  let out = prefix;
  for (let i = 0; i < 16; i++) out += KEY_ALPHABET[bytes[i]! % KEY_ALPHABET.length];
  return out;
}

export class SandboxCredentialStore implements CredentialStore {
  private readonly roots = new Map<string, SandboxAccount>();
  private readonly sessions = new Map<string, StoredSession>();
  private lifetime: SessionLifetimeOptions;

  constructor(
    accounts: ReadonlyArray<SandboxAccount>,
    private readonly now: () => Date,
    lifetime: SessionLifetimeOptions = {},
    /** Called whenever a session is issued, so the state is persisted. */
    private readonly onChange: () => void = () => {},
  ) {
    for (const account of accounts) this.roots.set(account.accessKeyId, account);
    this.lifetime = lifetime;
  }

  /** Changes the expiry switch while running (affects sessions issued afterwards). */
  setSessionLifetime(lifetime: SessionLifetimeOptions): void {
    this.lifetime = lifetime;
  }

  lookup(
    accessKeyId: string,
  ): { secretAccessKey: string; sessionToken?: string; identity: CallerIdentity } | undefined {
    const root = this.roots.get(accessKeyId);
    if (root) {
      return {
        secretAccessKey: root.secretAccessKey,
        identity: { accountId: root.id, arn: `arn:aws:iam::${root.id}:root`, kind: 'root', accessKeyId },
      };
    }
    const session = this.sessions.get(accessKeyId);
    if (!session) return undefined;
    return {
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      identity: { ...session.identity, accessKeyId, expiresAt: new Date(session.expiresAtMs) },
    };
  }

  issueSession(
    identity: Omit<CallerIdentity, 'accessKeyId' | 'expiresAt'>,
    durationSec: number,
  ): SessionCredentials {
    const nowMs = this.now().getTime();
    const factor = this.lifetime.sessionLifetimeFactor ?? 1;
    let effectiveSec = durationSec * factor;
    if (this.lifetime.maxSessionSec !== undefined)
      effectiveSec = Math.min(effectiveSec, this.lifetime.maxSessionSec);
    const session: StoredSession = {
      accessKeyId: randomKeyId('ASIA'),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
      expiresAtMs: nowMs + Math.round(effectiveSec * 1000),
      identity,
    };
    this.prune(nowMs);
    this.sessions.set(session.accessKeyId, session);
    this.onChange();
    const reportedMs = this.lifetime.reportNominalExpiration
      ? nowMs + durationSec * 1000
      : session.expiresAtMs;
    return {
      accessKeyId: session.accessKeyId,
      secretAccessKey: session.secretAccessKey,
      sessionToken: session.sessionToken,
      expiration: new Date(reportedMs),
      identity: { ...identity, accessKeyId: session.accessKeyId, expiresAt: new Date(session.expiresAtMs) },
    };
  }

  private prune(nowMs: number): void {
    for (const [id, s] of this.sessions) {
      if (s.expiresAtMs + EXPIRED_RETENTION_MS < nowMs) this.sessions.delete(id);
    }
  }

  /** The sessions, for --state (root keys are derived, never stored). */
  snapshot(): { sessions: StoredSession[] } {
    return { sessions: [...this.sessions.values()] };
  }

  restore(data: unknown): void {
    const sessions = (data as { sessions?: StoredSession[] } | undefined)?.sessions ?? [];
    for (const s of sessions) this.sessions.set(s.accessKeyId, s);
  }
}
