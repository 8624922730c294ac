import { describe, expect, it } from 'vitest';
import { HostPolicy, validateHostPattern } from './host-policy.js';

describe('HostPolicy', () => {
  it('allows everything when no pattern is given', () => {
    expect(new HostPolicy().judge('example.com').allowed).toBe(true);
  });

  it('matches exact hosts and *.subdomains, case- and trailing-dot-insensitively', () => {
    const p = new HostPolicy(['example.com', '*.docs.example.org']);
    expect(p.judge('EXAMPLE.com.').allowed).toBe(true);
    expect(p.judge('www.example.com')).toMatchObject({ allowed: false, reason: 'not_allowed' });
    expect(p.judge('api.docs.example.org').allowed).toBe(true);
    expect(p.judge('docs.example.org').allowed).toBe(false);
    expect(p.judge('evildocs.example.org').allowed).toBe(false);
  });

  it('lets --deny-host win over --allow-host', () => {
    const p = new HostPolicy(['*.example.com'], ['secret.example.com']);
    expect(p.judge('www.example.com').allowed).toBe(true);
    expect(p.judge('secret.example.com')).toEqual({ allowed: false, pattern: 'secret.example.com', reason: 'denied' });
  });

  it('matches IP literals, IPv6 in brackets', () => {
    const p = new HostPolicy([], ['203.0.113.7', '[2001:db8::1]']);
    expect(p.judge('203.0.113.7').allowed).toBe(false);
    expect(p.judge('[2001:db8::1]').allowed).toBe(false);
  });

  it('normalises patterns the way URL hosts are normalised, so every spelling matches', () => {
    // What judge() receives is new URL(...).hostname: compressed IPv6, dotted IPv4, punycode.
    const host = (url: string) => new URL(url).hostname;
    const p = new HostPolicy([], ['[2001:db8:0:0::1]', '[::ffff:8.8.8.8]', 'bücher.de', '*.bücher.de', '134744072', 'EXAMPLE.com.']);
    for (const url of ['http://[2001:db8::1]/', 'http://[::ffff:808:808]/', 'http://bücher.de/', 'http://www.bücher.de/', 'http://8.8.8.8/', 'http://0x08080808/', 'http://example.COM/']) {
      expect(p.judge(host(url)), url).toMatchObject({ allowed: false, reason: 'denied' });
    }
    expect(p.judge(host('http://xn--bcher-kva.de.example/')).allowed).toBe(true);
    const allow = new HostPolicy(['*.bücher.de']);
    expect(allow.judge(host('http://shop.xn--bcher-kva.de/')).allowed).toBe(true);
    expect(allow.judge(host('http://example.de/')).allowed).toBe(false);
  });

  it('refuses a wildcard over an address', () => {
    expect(() => validateHostPattern('*.1.2.3')).toThrow(/wildcard takes a domain name/);
  });

  it('rejects patterns that are not hosts', () => {
    for (const bad of ['', 'http://example.com', 'example.com/path', 'a*.example.com', '*', '*.', 'exa mple.com', 'example.com:8080']) {
      expect(() => validateHostPattern(bad), bad).toThrow(/not a host pattern/);
    }
  });
});
