/**
 * The checks in front of /mcp: Host and Origin against loopback names plus --allowed-origin (DNS-rebinding
 * defence, 403), and the bearer token (401 with WWW-Authenticate), compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '::1'];

export interface OriginPolicy {
  /** Hostnames (lowercase, IPv6 in brackets) accepted in the Host header. */
  hosts: Set<string>;
  /** Full origins (scheme://host[:port]) accepted in the Origin header, besides loopback origins. */
  origins: Set<string>;
}

export function createOriginPolicy(bindHost: string, allowedOrigins: string[]): OriginPolicy {
  const hosts = new Set(LOOPBACK_NAMES);
  // The address the operator bound is a name clients legitimately use.
  hosts.add(bracketIfIpv6(bindHost.toLowerCase()));
  for (const origin of allowedOrigins) hosts.add(new URL(origin).hostname.toLowerCase());
  return { hosts, origins: new Set(allowedOrigins) };
}

function bracketIfIpv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Hostname part of a Host header value, lowercase, IPv6 kept in brackets. */
export function hostnameOf(hostHeader: string): string | undefined {
  const value = hostHeader.trim().toLowerCase();
  if (!value) return undefined;
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(0, end + 1) : undefined;
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

export function isLoopbackHostname(hostname: string): boolean {
  return LOOPBACK_NAMES.includes(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; message: string };

export function checkHostAndOrigin(req: Pick<IncomingMessage, 'headers'>, policy: OriginPolicy): GuardVerdict {
  const host = req.headers.host;
  const hostname = host ? hostnameOf(host) : undefined;
  if (!hostname || !(policy.hosts.has(hostname) || isLoopbackHostname(hostname))) {
    return { ok: false, status: 403, message: 'Forbidden: the Host header is not one this server answers to (DNS-rebinding protection).' };
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let allowed = false;
    try {
      const url = new URL(origin);
      allowed = isLoopbackHostname(bracketIfIpv6(url.hostname.toLowerCase())) || policy.origins.has(url.origin);
    } catch {
      allowed = false;
    }
    if (!allowed) return { ok: false, status: 403, message: 'Forbidden: this Origin is not allowed; the operator can add it with --allowed-origin.' };
  }
  return { ok: true };
}

export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time bearer check. Both sides are hashed first so that the comparison takes the same time
 * whatever the length of the presented token.
 */
export function bearerMatches(authorization: string | undefined, expected: string): boolean {
  if (!authorization) return false;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization);
  const presented = match?.[1] ?? '';
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented.length > 0;
}
