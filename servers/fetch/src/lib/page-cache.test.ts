import { describe, expect, it } from 'vitest';
import { PageCache } from './page-cache.js';

describe('PageCache', () => {
  it('expires entries after the TTL', () => {
    let now = 0;
    const cache = new PageCache<string>({ ttlMs: 60_000, maxEntries: 10, maxChars: 1000, now: () => now });
    cache.set('a', 'page a', 6);
    now = 59_999;
    expect(cache.get('a')).toBe('page a');
    now = 60_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.totalChars).toBe(0);
  });

  it('evicts the least recently used entries past the entry and character bounds', () => {
    const cache = new PageCache<string>({ ttlMs: 60_000, maxEntries: 2, maxChars: 100 });
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    cache.get('a'); // a is now the most recently used
    cache.set('c', 'C', 40);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
    cache.set('d', 'D', 90);
    expect(cache.size).toBe(1);
    expect(cache.totalChars).toBe(90);
  });

  it('never stores an entry larger than the whole budget, nor anything when disabled', () => {
    const cache = new PageCache<string>({ ttlMs: 60_000, maxEntries: 2, maxChars: 10 });
    cache.set('big', 'x', 11);
    expect(cache.get('big')).toBeUndefined();
    const off = new PageCache<string>({ ttlMs: 0, maxEntries: 2, maxChars: 10 });
    off.set('a', 'A', 1);
    expect(off.get('a')).toBeUndefined();
  });
});
