import { describe, expect, it } from 'vitest';
import { abortedByTimeout, budgetOf, deadlineOf, duration, untilAborted, withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('remembers the end time and budget of the signals it makes, and only of those', () => {
    const before = Date.now();
    const signal = withDeadline(undefined, 5_000);
    expect(budgetOf(signal)).toBe(5_000);
    expect(deadlineOf(signal)).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadlineOf(signal)).toBeLessThanOrEqual(Date.now() + 5_000);
    const other = new AbortController().signal;
    expect(deadlineOf(other)).toBeUndefined();
    expect(budgetOf(undefined)).toBeUndefined();
  });

  it('tells a deadline that ran out from the client cancelling', async () => {
    const timedOut = withDeadline(undefined, 10);
    await new Promise((resolve) => timedOut.addEventListener('abort', resolve, { once: true }));
    expect(abortedByTimeout(timedOut)).toBe(true);
    const client = new AbortController();
    const cancelled = withDeadline(client.signal, 60_000);
    client.abort();
    expect(cancelled.aborted).toBe(true);
    expect(abortedByTimeout(cancelled)).toBe(false);
    expect(abortedByTimeout(withDeadline(undefined, 60_000))).toBe(false);
  });

  it('writes durations the way error messages show them', () => {
    expect(duration(20_000)).toBe('20 s');
    expect(duration(300)).toBe('300 ms');
  });
});

describe('untilAborted', () => {
  it('passes the outcome through, or rejects at once for this caller only when its signal aborts', async () => {
    await expect(untilAborted(Promise.resolve(1), undefined)).resolves.toBe(1);
    let finish!: (v: string) => void;
    const shared = new Promise<string>((resolve) => (finish = resolve));
    const first = new AbortController();
    const second = new AbortController();
    const a = untilAborted(shared, first.signal, () => new Error('first cancelled'));
    const b = untilAborted(shared, second.signal);
    first.abort(new Error('reason'));
    await expect(a).rejects.toThrow('first cancelled');
    finish('done');
    await expect(b).resolves.toBe('done');
    const already = new AbortController();
    already.abort(new Error('before'));
    await expect(untilAborted(Promise.reject(new Error('ignored')), already.signal)).rejects.toThrow('before');
  });
});
