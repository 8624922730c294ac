/** The address classifier, over every class. No traffic: these addresses are never connected to. */
import { describe, expect, it } from 'vitest';
import { classifyAddress, NetworkAllowList, parseCidr } from './address-classifier.js';

describe('classifyAddress', () => {
  const blocked: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['100.64.0.1', 'carrier-grade-nat'],
    ['100.127.255.254', 'carrier-grade-nat'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['192.0.0.170', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['[fe80::abcd]', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'reserved'],
    ['64:ff9b:1::a00:1', 'reserved'],
    // IPv4 inside IPv6: judged by the IPv4 address.
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:0:a00:1', 'private'], // IPv4-translated
    ['64:ff9b::10.0.0.1', 'private'], // NAT64
    ['64:ff9b::a9fe:a9fe', 'link-local'], // NAT64 of 169.254.169.254
    ['64:ff9b::7f00:1', 'loopback'],
    ['2002:a00:1::1', 'private'], // 6to4 of 10.0.0.1
    ['2002:7f00:1::', 'loopback'], // 6to4 of 127.0.0.1
    ['2001:0:a00:1::1', 'private'], // Teredo server 10.0.0.1
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'], // Teredo client ~(80ff:fffe) = 127.0.0.1
    ['::7f00:1', 'reserved'], // IPv4-compatible (deprecated), outside 2000::/3
    ['4000::1', 'reserved'], // outside global unicast
  ];
  for (const [address, kind] of blocked) {
    it(`refuses ${address} as ${kind}`, () => {
      const c = classifyAddress(address);
      expect(c.kind).toBe(kind);
      expect(c.isPublic).toBe(false);
    });
  }

  const open = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '100.63.255.255', '100.128.0.1', '172.32.0.1', '169.253.255.255', '2606:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];
  for (const address of open) {
    it(`accepts public ${address}`, () => {
      const c = classifyAddress(address);
      expect(c.kind).toBe('public');
      expect(c.isPublic).toBe(true);
    });
  }

  it('names the embedded IPv4 address', () => {
    expect(classifyAddress('::ffff:10.0.0.1').embedded).toBe('IPv4-mapped 10.0.0.1');
    expect(classifyAddress('64:ff9b::a9fe:a9fe').embedded).toBe('NAT64 169.254.169.254');
  });

  it('calls non-addresses invalid (spellings must be normalised by URL parsing first)', () => {
    for (const input of ['2130706433', '0177.0.0.1', '0x7f.1', '127.1', 'localhost', '', '1.2.3.4.5']) {
      const c = classifyAddress(input);
      expect(c.kind).toBe('invalid');
      expect(c.isPublic).toBe(false);
    }
  });
});

describe('WHATWG URL parsing normalises IPv4 spellings before classification', () => {
  const spellings: Array<[string, string]> = [
    ['http://2130706433/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://0xa.0.0.1/', '10.0.0.1'],
    ['http://012.1/', '10.0.0.1'],
    ['http://167772161/', '10.0.0.1'],
    ['http://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254'],
    ['http://2852039166/', '169.254.169.254'],
  ];
  for (const [url, normalised] of spellings) {
    it(`${url} -> ${normalised} (refused)`, () => {
      const host = new URL(url).hostname;
      expect(host).toBe(normalised);
      expect(classifyAddress(host).isPublic).toBe(false);
    });
  }
  it('bracketed IPv6 hosts classify too', () => {
    expect(classifyAddress(new URL('http://[::ffff:127.0.0.1]/').hostname).kind).toBe('loopback');
    expect(classifyAddress(new URL('http://[fd00::1]/').hostname).kind).toBe('unique-local');
  });
});

describe('NetworkAllowList', () => {
  it('opens exactly the listed ranges', () => {
    const list = new NetworkAllowList(['10.1.0.0/16', 'fd00::/8', '127.0.0.2']);
    expect(list.contains('10.1.2.3')).toBe(true);
    expect(list.contains('10.2.0.1')).toBe(false);
    expect(list.contains('::ffff:10.1.0.9')).toBe(true);
    expect(list.contains('fd00::5')).toBe(true);
    expect(list.contains('fc00::5')).toBe(false);
    expect(list.contains('127.0.0.2')).toBe(true);
    expect(list.contains('127.0.0.3')).toBe(false);
    expect(list.contains('not-an-ip')).toBe(false);
  });
  it('rejects bad CIDRs with a readable message', () => {
    for (const bad of ['10.0.0.0/33', 'example.com/8', '10.0.0/8', 'fd00::/129', '']) expect(() => parseCidr(bad)).toThrow(/CIDR range/);
  });
});
