import { describe, expect, it } from 'vitest';
import { ChannelPolicy } from './policy.js';

describe('ChannelPolicy', () => {
  it('allows everything without lists', () => {
    const p = new ChannelPolicy(undefined, undefined);
    expect(p.canRead('C1AA')).toBe(true);
    expect(p.canWrite('C1AA')).toBe(true);
    expect(p.readable).toBeUndefined();
  });

  it('limits reads and writes to SLACK_CHANNEL_IDS', () => {
    const p = new ChannelPolicy(['C1AA', 'C2BB'], undefined);
    expect(p.canRead('C2BB')).toBe(true);
    expect(p.canRead('C3CC')).toBe(false);
    expect(p.canWrite('C3CC')).toBe(false);
    expect(() => p.assertRead('C3CC')).toThrow(/allow-list/);
    expect(() => p.assertWrite('C3CC')).toThrow(/allow-list/);
  });

  it('narrows writes with SLACK_POST_CHANNEL_IDS, never widening them', () => {
    const p = new ChannelPolicy(['C1AA', 'C2BB'], ['C2BB', 'C9ZZ']);
    expect(p.canWrite('C2BB')).toBe(true);
    expect(p.canWrite('C1AA')).toBe(false);
    expect(p.canWrite('C9ZZ')).toBe(false);
    expect(() => p.assertWrite('C1AA')).toThrow(/SLACK_POST_CHANNEL_IDS/);
    const postOnly = new ChannelPolicy(undefined, ['C2BB']);
    expect(postOnly.canRead('C1AA')).toBe(true);
    expect(postOnly.canWrite('C1AA')).toBe(false);
  });
});
