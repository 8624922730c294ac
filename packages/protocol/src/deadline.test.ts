import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { abortedByTimeout, budgetOf, deadlineOf, duration, startDeadline, untilAborted, withDeadline } from './deadline.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

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

  it('still fires after garbage collections while the client has not cancelled (Node 20 AbortSignal.any lost it)', async () => {
    const client = new AbortController();
    const signal = withDeadline(client.signal, 150);
    const fired = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      collectGarbage();
    }
    const outcome = await Promise.race([fired.then(() => 'fired'), new Promise((resolve) => setTimeout(() => resolve('never fired'), 1_000))]);
    expect(outcome).toBe('fired');
    expect(abortedByTimeout(signal)).toBe(true);
  });

  it('startDeadline: says what took too long, passes the client reason on, and clear() ends the timer', async () => {
    const timed = startDeadline(undefined, 10, 'The conversion took longer than 10 ms.');
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve, { once: true }));
    expect((timed.signal.reason as Error).message).toBe('The conversion took longer than 10 ms.');
    const client = new AbortController();
    const cancelled = startDeadline(client.signal, 60_000);
    client.abort(new Error('user stop'));
    expect((cancelled.signal.reason as Error).message).toBe('user stop');
    const cleared = startDeadline(undefined, 20);
    cleared.clear();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(cleared.signal.aborted).toBe(false);
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
