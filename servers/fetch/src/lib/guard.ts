/**
 * The SSRF guard: decides, for one hop, whether a URL may be fetched and which address to connect to.
 *
 * 1. Only http: and https:, no user:password@ in the URL.
 * 2. The hostname (as WHATWG URL parsing normalised it: 2130706433, 0177.0.0.1, 0x7f.1 and 127.1 all
 *    become 127.0.0.1) passes --deny-host / --allow-host.
 * 3. The name is resolved ONCE; every address it resolves to must be public or inside --allow-network.
 *    One bad address refuses the whole host, so a name that mixes a public and a private answer cannot
 *    win a race.
 * 4. The caller connects to the addresses returned here, trying each in turn (see http-client.ts: a lookup
 *    function that returns them), so there is no second resolution for a rebinding DNS server to answer
 *    differently, and no address that was not checked is ever used.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyAddress, describeClass, type NetworkAllowList } from './address-classifier.js';
import { FetchError } from './errors.js';
import { type HostPolicy, normaliseHost } from './host-policy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to all its addresses. Injected so tests can play a rebinding DNS server. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** The checked destination of one hop. */
export interface CheckedTarget {
  url: URL;
  /** Hostname without IPv6 brackets, as sent in Host and TLS SNI. */
  hostname: string;
  /** The first checked address (named in messages). */
  address: string;
  family: 4 | 6;
  /**
   * Every address the name resolved to, all checked, in the resolver's order: the connection tries them in
   * turn (a dual-stack name such as localhost may listen on ::1 only) and never uses any other.
   */
  addresses: ResolvedAddress[];
  port: number;
  isIpLiteral: boolean;
}

export interface GuardOptions {
  hosts: HostPolicy;
  networks: NetworkAllowList;
  resolver?: Resolver;
  /** Bound on one resolution, so a stuck resolver cannot hold a request forever. */
  dnsTimeoutMs?: number;
}

/** The operating system's resolver (getaddrinfo: /etc/hosts, then DNS), all addresses, in its order. */
export const systemResolver: Resolver = async (hostname) => {
  // RFC 6761: names under .invalid never resolve. Answer without asking anyone.
  if (/(^|\.)invalid\.?$/i.test(hostname)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  // RFC 6761: localhost names are loopback. Answer them here rather than ask DNS, so no resolver (and no
  // spelling such as "LOCALHOST." that getaddrinfo forwards to DNS) can map them anywhere else; the
  // classifier then refuses them like any loopback address.
  if (/(^|\.)localhost\.?$/i.test(hostname)) {
    return [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ];
  }
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Parses and validates what the model passed as a URL. */
export function parseTargetUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new FetchError('invalid_url', `"${clip(input)}" is not a valid absolute URL.`, { hint: 'pass a full URL such as https://example.com/page.' });
  }
  checkUrlShape(url);
  return url;
}

function checkUrlShape(url: URL): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('unsupported_scheme', `the scheme "${url.protocol.replace(/:$/, '')}" is not supported: only http and https URLs are fetched.`, {
      hint: 'use an http:// or https:// URL.',
    });
  }
  if (url.username || url.password) {
    throw new FetchError('credentials_in_url', 'URLs with a user name or password (user:pass@host) are not fetched, so credentials never leave in a request or a log.', {
      hint: 'remove the user:password@ part of the URL.',
    });
  }
  if (!url.hostname) throw new FetchError('invalid_url', `"${clip(url.href)}" has no host.`, { hint: 'pass a full URL such as https://example.com/page.' });
}

export class SsrfGuard {
  private readonly resolver: Resolver;
  private readonly dnsTimeoutMs: number;
  constructor(private readonly options: GuardOptions) {
    this.resolver = options.resolver ?? systemResolver;
    this.dnsTimeoutMs = options.dnsTimeoutMs ?? 10_000;
  }

  /** Checks one hop; returns the address to connect to, or throws FetchError saying why not. */
  async check(url: URL, signal?: AbortSignal): Promise<CheckedTarget> {
    checkUrlShape(url);
    const hostname = normaliseHost(url.hostname);
    const verdict = this.options.hosts.judge(hostname);
    if (!verdict.allowed) {
      throw verdict.reason === 'denied'
        ? new FetchError('host_denied', `fetching ${hostname} is refused by the operator's --deny-host ${verdict.pattern}.`, { hint: 'fetch a different site.' })
        : new FetchError('host_not_allowed', `${hostname} is not among the hosts this server may fetch (the operator limited it with --allow-host).`, {
            hint: 'fetch a page on one of the allowed hosts, or ask the operator to add this host with --allow-host.',
          });
    }
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    const literal = isIP(hostname);
    const addresses: ResolvedAddress[] = literal ? [{ address: hostname, family: literal === 6 ? 6 : 4 }] : await this.resolve(hostname, signal);
    for (const { address } of addresses) this.checkAddress(hostname, address, literal !== 0);
    const chosen = addresses[0]!;
    return { url, hostname, address: chosen.address, family: chosen.family, addresses, port, isIpLiteral: literal !== 0 };
  }

  /** Throws unless the address is public or inside --allow-network. */
  checkAddress(hostname: string, address: string, isLiteral: boolean): void {
    if (this.options.networks.contains(address)) return;
    const c = classifyAddress(address);
    if (c.isPublic) return;
    const subject = isLiteral ? `${hostname} is ${describeClass(c)}` : `${hostname} resolves to ${address}, ${describeClass(c)}`;
    throw new FetchError('blocked_address', `${subject}; this server does not fetch private, loopback, link-local or other non-public addresses.`, {
      hint: 'fetch a public URL instead. If the operator wants this server to reach that network, they can start it with --allow-network <CIDR>.',
    });
  }

  private async resolve(hostname: string, signal?: AbortSignal): Promise<ResolvedAddress[]> {
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FetchError('dns_failed', `resolving ${hostname} took longer than ${this.dnsTimeoutMs} ms.`, { hint: 'try again later or check the host name.' })), this.dnsTimeoutMs);
      if (!signal) return;
      onAbort = () => reject(signal.reason ?? new Error('aborted'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const answers = await Promise.race([this.resolver(hostname), stop]);
      if (answers.length === 0) throw new FetchError('dns_failed', `${hostname} has no addresses.`, { hint: 'check the host name for typos.' });
      return answers;
    } catch (error) {
      if (error instanceof FetchError || signal?.aborted) throw error;
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      const what = code === 'ENOTFOUND' || code === 'ENODATA' ? 'does not exist (no DNS record)' : `could not be resolved (${code})`;
      throw new FetchError('dns_failed', `the host ${hostname} ${what}.`, { hint: 'check the host name for typos.', cause: error });
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }
}

function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
