/**
 * --allow-host / --deny-host: which hostnames a fetch may name, judged on every hop.
 * A pattern is an exact host (`example.com`, `203.0.113.7`, `[2001:db8::1]`) or `*.example.com`, which
 * matches any subdomain of example.com but not example.com itself. --deny-host always wins; when any
 * --allow-host is given, hosts that match none of them are refused. Names compare case-insensitively and
 * without a trailing dot; patterns are normalised the way URL hosts are (see canonicalHost). These patterns
 * narrow what may be fetched; they never open a private address (that is --allow-network's job).
 */
import { isIP } from 'node:net';

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

/**
 * A pattern's host in the form URL hosts take after WHATWG parsing (which is what judge() receives):
 * IPv6 compressed (`[2001:db8:0:0::1]` is 2001:db8::1, `[::ffff:8.8.8.8]` is ::ffff:808:808), IPv4 in
 * dotted decimal (`134744072` is 8.8.8.8), names in punycode (`bücher.de` is xn--bcher-kva.de), lower case.
 * Compared as written, such patterns never matched.
 */
function canonicalHost(host: string, pattern: string): string {
  try {
    return normaliseHost(new URL(`http://${host}/`).hostname);
  } catch {
    throw notAPattern(pattern);
  }
}

function notAPattern(pattern: string): Error {
  return new Error(`"${pattern}" is not a host pattern: use a host like example.com or a wildcard like *.example.com`);
}

function compile(pattern: string): CompiledPattern {
  const text = pattern.trim();
  if (!text || /[\s/:?#@]/.test(text.replace(/^\[.*\]$/, 'ip')) || (text.includes('*') && !/^\*\.[^*]+$/.test(text))) {
    throw notAPattern(pattern);
  }
  if (text.startsWith('*.')) {
    const domain = canonicalHost(text.slice(2), pattern);
    // "*.1.2.3" would become "*.1.2.0.3": a wildcard is for names, not addresses.
    if (isIP(domain)) throw new Error(`"${pattern}" is not a host pattern: a wildcard takes a domain name (*.example.com), not an address`);
    const suffix = `.${domain}`;
    return { text, matches: (host) => host.endsWith(suffix) && host.length > suffix.length };
  }
  const exact = canonicalHost(text, pattern);
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
