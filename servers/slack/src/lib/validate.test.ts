import { describe, expect, it } from 'vitest';
import { SlackProblem } from './problem.js';
import { checkBlocks, checkChannelId, checkReaction, checkText, checkTs, checkUserId, MAX_TEXT_CHARS } from './validate.js';

const problemOf = (fn: () => unknown): SlackProblem => {
  try {
    fn();
  } catch (error) {
    if (error instanceof SlackProblem) return error;
    throw error;
  }
  throw new Error('expected a SlackProblem');
};

describe('input checks', () => {
  it('accepts Slack timestamps and converts the digits-only permalink form', () => {
    expect(checkTs('1712345678.123456', 'ts')).toBe('1712345678.123456');
    expect(checkTs('p1712345678123456', 'ts')).toBe('1712345678.123456');
    expect(checkTs('1712345678123456', 'ts')).toBe('1712345678.123456');
  });

  it('refuses malformed timestamps, naming the field and the format', () => {
    for (const bad of ['yesterday', '1712345678.', '.123', '12.34.56', '', '17123']) {
      const p = problemOf(() => checkTs(bad, 'thread_ts'));
      expect(p.code).toBe('invalid_ts');
      expect(p.message).toContain('thread_ts');
      expect(p.message).toContain('1712345678.123456');
    }
  });

  it('refuses channel names where IDs are needed, pointing to slack_find_channel', () => {
    const p = problemOf(() => checkChannelId('#general'));
    expect(p.code).toBe('invalid_channel_id');
    expect(p.hint).toContain('slack_find_channel');
    expect(checkChannelId(' C0123ABCD ')).toBe('C0123ABCD');
    expect(checkChannelId('D0ALICE')).toBe('D0ALICE');
    expect(problemOf(() => checkUserId('alice')).hint).toContain('slack_find_user');
  });

  it('refuses empty and over-long text with the limit named', () => {
    expect(problemOf(() => checkText('   ')).code).toBe('empty_text');
    const long = problemOf(() => checkText('x'.repeat(MAX_TEXT_CHARS + 1)));
    expect(long.code).toBe('text_too_long');
    expect(long.message).toContain('40,000');
    expect(checkText('x'.repeat(MAX_TEXT_CHARS))).toHaveLength(MAX_TEXT_CHARS);
  });

  it('checks blocks and emoji names', () => {
    expect(problemOf(() => checkBlocks([{ text: 'no type' }])).code).toBe('invalid_blocks');
    expect(problemOf(() => checkBlocks(Array.from({ length: 51 }, () => ({ type: 'divider' })))).code).toBe('too_many_blocks');
    expect(() => checkBlocks([{ type: 'divider' }])).not.toThrow();
    expect(checkReaction(':thumbsup:')).toBe('thumbsup');
    expect(checkReaction('+1')).toBe('+1');
    expect(problemOf(() => checkReaction('not an emoji!')).code).toBe('invalid_reaction');
  });
});
