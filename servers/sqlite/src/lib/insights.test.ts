import { describe, expect, it } from 'vitest';
import { Insights, MAX_INSIGHTS } from './insights.js';

describe('Insights', () => {
  it('tells each listener of every added insight until it is stopped', () => {
    const memo = new Insights();
    const heard: string[] = [];
    const stopA = memo.onChange(() => heard.push('a'));
    memo.onChange(() => heard.push('b'));
    memo.add('one');
    stopA();
    memo.add('two');
    expect(heard).toEqual(['a', 'b', 'b']);
    expect(memo.memo()).toContain('- one\n- two');
  });

  it('one function subscribed twice is two subscriptions, stopped one at a time', () => {
    const memo = new Insights();
    let calls = 0;
    const listener = () => void calls++;
    const stopFirst = memo.onChange(listener);
    memo.onChange(listener);
    stopFirst();
    memo.add('x');
    expect(calls).toBe(1);
  });

  it('a full memo refuses the insight and tells no one', () => {
    const memo = new Insights();
    for (let i = 0; i < MAX_INSIGHTS; i++) memo.add(`insight ${i}`);
    let calls = 0;
    memo.onChange(() => void calls++);
    expect(memo.add('one too many')).toBe(false);
    expect(calls).toBe(0);
    expect(memo.count).toBe(MAX_INSIGHTS);
  });
});
