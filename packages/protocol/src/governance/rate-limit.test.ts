import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { describeDenial, parseRateSpec, RateLimiter, TokenBucket } from './rate-limit.js';

describe('parseRateSpec', () => {
  it('reads N/s, N/min and N/hour', () => {
    expect(parseRateSpec('5/s', 'x')).toEqual({ limit: 5, windowMs: 1000, text: '5/s' });
    expect(parseRateSpec(' 60 / min ', 'x')).toEqual({ limit: 60, windowMs: 60_000, text: '60/min' });
    expect(parseRateSpec('1000/hour', 'x')).toMatchObject({ limit: 1000, windowMs: 3_600_000 });
  });
  it('off and 0 mean no limit', () => {
    expect(parseRateSpec('off', 'x')).toBeUndefined();
    expect(parseRateSpec('0', 'x')).toBeUndefined();
  });
  it('refuses anything else, naming the setting', () => {
    for (const bad of ['60', 'fast', '-1/s', '0/min', '5/fortnight', '1.5/s']) {
      expect(() => parseRateSpec(bad, '--rate-limit')).toThrow(ConfigError);
    }
    expect(() => parseRateSpec('60', '--rate-limit')).toThrow(/--rate-limit "60" is not a rate like 60\/min/);
  });
});

describe('TokenBucket', () => {
  it('allows a burst of `limit`, then refills at limit per window', () => {
    let now = 0;
    const bucket = new TokenBucket({ limit: 3, windowMs: 3000, text: '3/3s' }, () => now);
    for (let i = 0; i < 3; i++) {
      expect(bucket.waitMs()).toBe(0);
      bucket.take();
    }
    expect(bucket.waitMs()).toBe(1000);
    now = 400;
    expect(bucket.waitMs()).toBe(600);
    now = 1000;
    expect(bucket.waitMs()).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('takes from every applicable bucket or from none', () => {
    let now = 0;
    const limiter = new RateLimiter(
      { perSession: { limit: 5, windowMs: 60_000, text: '5/min' }, buckets: { search: { limit: 2, windowMs: 60_000, text: '2/min' } } },
      () => now,
    );
    const session = limiter.sessionBucket();
    expect(limiter.admit(session, 'search')).toBeUndefined();
    expect(limiter.admit(session, 'search')).toBeUndefined();
    const denied = limiter.admit(session, 'search');
    expect(denied).toMatchObject({ scope: 'bucket', bucket: 'search', retryAfterMs: 30_000 });
    // The refused search did not use up a session token: 3 plain calls still fit in the session's 5.
    for (let i = 0; i < 3; i++) expect(limiter.admit(session, undefined)).toBeUndefined();
    expect(limiter.admit(session, undefined)).toMatchObject({ scope: 'session' });
    expect(describeDenial(denied!, 'search_code')).toBe(
      'Rate limited: search_code was not run because the limit of 2/min calls for search tools (--rate-limit-bucket search=...) is used up; nothing was changed. Retry after 30.0 s.',
    );
    now = 12_000;
    expect(limiter.admit(session, undefined)).toBeUndefined();
  });
  it('the global bucket is shared by all sessions; per-session ones are not', () => {
    const limiter = new RateLimiter({ perSession: { limit: 2, windowMs: 60_000, text: '2/min' }, global: { limit: 3, windowMs: 60_000, text: '3/min' } }, () => 0);
    const a = limiter.sessionBucket();
    const b = limiter.sessionBucket();
    expect(limiter.admit(a, undefined)).toBeUndefined();
    expect(limiter.admit(a, undefined)).toBeUndefined();
    expect(limiter.admit(a, undefined)).toMatchObject({ scope: 'session' });
    expect(limiter.admit(b, undefined)).toBeUndefined();
    expect(limiter.admit(b, undefined)).toMatchObject({ scope: 'global' });
  });
  it('without settings nothing is limited', () => {
    const limiter = new RateLimiter({});
    expect(limiter.sessionBucket()).toBeUndefined();
    for (let i = 0; i < 1000; i++) expect(limiter.admit(undefined, 'search')).toBeUndefined();
  });
});
