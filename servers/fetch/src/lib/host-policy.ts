/**
 * --allow-host / --deny-host: which hostnames a fetch may name, judged on every hop.
 * A pattern is an exact host (`example.com`, `203.0.113.7`, `[2001:db8::1]`) or `*.example.com`, which
 * matches any subdomain of example.com but not example.com itself. --deny-host always wins; when any
 * --allow-host is given, hosts that match none of them are refused. Names compare case-insensitively and
 * without a trailing dot. These patterns narrow what may be fetched; they never open a private address
 * (that is --allow-network's job).
 */
export interface HostVerdict {
  allowed: boolean;
  /** The pattern that decided, when one did. */
  pattern?: string;
  reason?: 'denied' | 'not_allowed';
}

interface CompiledPattern {
  text: string;
  matches(host: string): boolean;
}

export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function compile(pattern: string): CompiledPattern {
  const text = pattern.trim();
  if (!text || /[\s/:?#@]/.test(text.replace(/^\[.*\]$/, 'ip')) || (text.includes('*') && !/^\*\.[^*]+$/.test(text))) {
    throw new Error(`"${pattern}" is not a host pattern: use a host like example.com or a wildcard like *.example.com`);
  }
  if (text.startsWith('*.')) {
    const suffix = `.${normaliseHost(text.slice(2))}`;
    return { text, matches: (host) => host.endsWith(suffix) && host.length > suffix.length };
  }
  const exact = normaliseHost(text);
  return { text, matches: (host) => host === exact };
}

export class HostPolicy {
  private readonly allow: CompiledPattern[];
  private readonly deny: CompiledPattern[];
  constructor(allow: readonly string[] = [], deny: readonly string[] = []) {
    this.allow = allow.map(compile);
    this.deny = deny.map(compile);
  }

  judge(hostname: string): HostVerdict {
    const host = normaliseHost(hostname);
    const denied = this.deny.find((p) => p.matches(host));
    if (denied) return { allowed: false, pattern: denied.text, reason: 'denied' };
    if (this.allow.length === 0) return { allowed: true };
    const allowed = this.allow.find((p) => p.matches(host));
    return allowed ? { allowed: true, pattern: allowed.text } : { allowed: false, reason: 'not_allowed' };
  }
}

/** Validates one pattern; throws Error with a readable message (used by config parsing). */
export function validateHostPattern(pattern: string): void {
  compile(pattern);
}
