/**
 * Secrets (tokens, passwords) registered here are replaced by `[REDACTED]` in every log line, every error
 * message and every tool result that passes through @portico/protocol. Register a secret as soon as it is
 * read from the environment or a file; nothing else needs to remember to redact it.
 */
const REDACTED = '[REDACTED]';
// Short values would redact ordinary words; a real token or password is longer than this.
const MIN_SECRET_LENGTH = 6;

export class SecretRegistry {
  private readonly secrets = new Set<string>();
  /** The secrets longest first, so a secret that contains another is replaced whole; rebuilt on register. */
  private ordered: string[] = [];

  register(secret: string | undefined | null): void {
    if (!secret) return;
    const value = secret.trim();
    if (value.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(value);
    // URL-encoded forms appear in connection strings and query strings.
    const encoded = encodeURIComponent(value);
    if (encoded !== value) this.secrets.add(encoded);
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    if (this.ordered.length === 0 || !text) return text;
    let out = text;
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }

  /**
   * Redacts every string inside a JSON-like value. Copy-on-write: parts without a secret are returned as
   * they are (the common case, and results can be megabytes of listings), changed parts are copies.
   */
  redactDeep<T>(value: T): T {
    if (this.ordered.length === 0) return value;
    return walk(value, (s) => this.redact(s)) as T;
  }
}

function walk(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const w = walk(v, fn);
      if (w !== v && !out) out = value.slice(0, i);
      if (out) out.push(w);
    }
    return out ?? value;
  }
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    let out: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const v = record[key];
      const w = walk(v, fn);
      if (w !== v && !out) {
        out = {};
        // Copy the members before this one in their original order.
        for (const k of Object.keys(record)) {
          if (k === key) break;
          out[k] = record[k];
        }
      }
      if (out) out[key] = w;
    }
    return out ?? value;
  }
  return value;
}

/** The process-wide registry used by the logger, the error path and the result builder. */
export const secrets = new SecretRegistry();

/** Removes userinfo (user:password@) from a URL-looking string, for messages that must name a connection. */
export function stripUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
