import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { abortedByTimeout, budgetOf, deadlineOf, duration, startDeadline, untilAborted, withinDeadline } from './deadline.js';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('startDeadline and withinDeadline', () => {
  it('remembers the end time and budget of the signals it makes, and only of those', () => {
    const before = Date.now();
    const signal = startDeadline(undefined, 5_000).signal;
    expect(budgetOf(signal)).toBe(5_000);
    expect(deadlineOf(signal)).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadlineOf(signal)).toBeLessThanOrEqual(Date.now() + 5_000);
    const other = new AbortController().signal;
    expect(deadlineOf(other)).toBeUndefined();
    expect(budgetOf(undefined)).toBeUndefined();
  });

  it('tells a deadline that ran out from the client cancelling', async () => {
    const timedOut = startDeadline(undefined, 10).signal;
    await new Promise((resolve) => timedOut.addEventListener('abort', resolve, { once: true }));
    expect(abortedByTimeout(timedOut)).toBe(true);
    const client = new AbortController();
    const cancelled = startDeadline(client.signal, 60_000).signal;
    client.abort();
    expect(cancelled.aborted).toBe(true);
    expect(abortedByTimeout(cancelled)).toBe(false);
    expect(abortedByTimeout(startDeadline(undefined, 60_000).signal)).toBe(false);
  });

  it('still fires after garbage collections while the client has not cancelled (Node 20 AbortSignal.any lost it)', async () => {
    const client = new AbortController();
    const signal = startDeadline(client.signal, 150).signal;
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

  it('withinDeadline gives the work the signal and ends the timer when the work ends, even when it fails', async () => {
    let seen: AbortSignal | undefined;
    expect(await withinDeadline(undefined, 30, async (signal) => ((seen = signal), 'done'))).toBe('done');
    await expect(withinDeadline(undefined, 30, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await new Promise((resolve) => setTimeout(resolve, 80));
    // The deadline was cleared when the work returned: the signal never aborts afterwards.
    expect(seen!.aborted).toBe(false);
    const slow = withinDeadline(undefined, 20, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true })));
    await expect(slow).rejects.toMatchObject({ name: 'TimeoutError' });
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
