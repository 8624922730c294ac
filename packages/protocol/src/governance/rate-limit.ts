/**
 * Token buckets for tool calls: one per session (`--rate-limit`), one for the whole process
 * (`--rate-limit-global`), and named buckets that upstream-heavy tools share (GitHub search, fetch).
 * A refused call changes nothing and tells the caller when to retry.
 */
import { ConfigError } from '../errors.js';

export interface RateSpec {
  /** Calls allowed per window (also the burst size). */
  limit: number;
  windowMs: number;
  /** As the operator wrote it, for messages: `60/min`. */
  text: string;
}

const UNITS: Record<string, number> = { s: 1_000, sec: 1_000, second: 1_000, m: 60_000, min: 60_000, minute: 60_000, h: 3_600_000, hour: 3_600_000 };

/** Parses `N/s`, `N/min` or `N/hour`; `off` or `0` means no limit (undefined). */
export function parseRateSpec(raw: string, setting: string): RateSpec | undefined {
  const value = raw.trim().toLowerCase();
  if (value === 'off' || value === '0') return undefined;
  const match = /^(\d+)\s*\/\s*([a-z]+)$/.exec(value);
  const unit = match ? UNITS[match[2]!] : undefined;
  const limit = match ? Number(match[1]) : NaN;
  if (!match || unit === undefined || !Number.isSafeInteger(limit) || limit < 1 || limit > 1_000_000) {
    throw new ConfigError(`${setting} "${raw}" is not a rate like 60/min, 5/s or 1000/hour (or "off").`, setting);
  }
  return { limit, windowMs: unit, text: `${limit}/${match[2]}` };
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  constructor(
    readonly spec: RateSpec,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = spec.limit;
    this.updatedAt = now();
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.spec.limit, this.tokens + (elapsed * this.spec.limit) / this.spec.windowMs);
    this.updatedAt = now;
  }

  /** Milliseconds until one token is available (0 when one is there now). */
  waitMs(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) * this.spec.windowMs) / this.spec.limit);
  }

  take(): void {
    this.refill();
    this.tokens -= 1;
  }
}

export interface RateLimitSettings {
  perSession?: RateSpec | undefined;
  global?: RateSpec | undefined;
  /** Named buckets (bucket name -> spec) after operator overrides; absent or undefined = unlimited. */
  buckets?: Record<string, RateSpec | undefined>;
}

export interface RateDenial {
  scope: 'session' | 'global' | 'bucket';
  bucket?: string;
  spec: RateSpec;
  retryAfterMs: number;
}

/** Process-wide limiter; each session asks it for its own bucket. */
export class RateLimiter {
  private readonly global: TokenBucket | undefined;
  private readonly named = new Map<string, TokenBucket>();
  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: () => number = Date.now,
  ) {
    this.global = settings.global ? new TokenBucket(settings.global, now) : undefined;
    for (const [name, spec] of Object.entries(settings.buckets ?? {})) {
      if (spec) this.named.set(name, new TokenBucket(spec, now));
    }
  }

  private stateless: TokenBucket | undefined;

  /**
   * The bucket 2026-07-28 stateless requests share: they carry no session, so the per-session limit
   * applies to all of them together.
   */
  statelessBucket(): TokenBucket | undefined {
    if (!this.settings.perSession) return undefined;
    this.stateless ??= new TokenBucket(this.settings.perSession, this.now);
    return this.stateless;
  }

  /** A fresh per-session bucket, or undefined when sessions are not limited. */
  sessionBucket(): TokenBucket | undefined {
    return this.settings.perSession ? new TokenBucket(this.settings.perSession, this.now) : undefined;
  }

  /**
   * Takes one token from every bucket that applies, or none of them: a refused call costs nothing, so a
   * client that waits the advertised time gets through.
   */
  admit(session: TokenBucket | undefined, bucketName: string | undefined): RateDenial | undefined {
    const applicable: Array<{ bucket: TokenBucket; scope: RateDenial['scope']; name?: string }> = [];
    if (session) applicable.push({ bucket: session, scope: 'session' });
    const named = bucketName ? this.named.get(bucketName) : undefined;
    if (named) applicable.push({ bucket: named, scope: 'bucket', name: bucketName! });
    if (this.global) applicable.push({ bucket: this.global, scope: 'global' });
    let worst: RateDenial | undefined;
    for (const { bucket, scope, name } of applicable) {
      const wait = bucket.waitMs();
      if (wait > 0 && (!worst || wait > worst.retryAfterMs)) worst = { scope, spec: bucket.spec, retryAfterMs: wait, ...(name ? { bucket: name } : {}) };
    }
    if (worst) return worst;
    for (const { bucket } of applicable) bucket.take();
    return undefined;
  }
}

/** The model-facing message of a refused call. */
export function describeDenial(denial: RateDenial, toolName: string): string {
  const seconds = (denial.retryAfterMs / 1000).toFixed(1);
  const which =
    denial.scope === 'session'
      ? `this session's limit of ${denial.spec.text} tool calls (--rate-limit)`
      : denial.scope === 'global'
        ? `the server-wide limit of ${denial.spec.text} tool calls (--rate-limit-global)`
        : `the limit of ${denial.spec.text} calls for ${denial.bucket} tools (--rate-limit-bucket ${denial.bucket}=...)`;
  return `Rate limited: ${toolName} was not run because ${which} is used up; nothing was changed. Retry after ${seconds} s.`;
}
