/**
 * Time budgets for servers that call an upstream API (GitHub, Slack). MCP clients give up on a request after
 * 60 s by default (the SDK's request timeout), so an answer that arrives later is never seen and the user just
 * sees a hang. Two limits keep every tool call under that:
 *  - each upstream request is cut after a request timeout (default 20 s), and a timed-out request is never
 *    retried (a server that did not answer in 20 s will not answer the same question faster, and asking again
 *    would push the answer past the client's timeout);
 *  - a whole tool call (every request it makes, retries, back-off and rate-limit waits) is cut after a call
 *    timeout (default 45 s).
 * The call's deadline travels down as the AbortSignal the tools already pass on; this module remembers each
 * deadline signal's end time and budget, so a rate-limit wait that would overrun it is reported instead of
 * started.
 */

export const DEFAULT_REQUEST_TIMEOUT_MS = 20_000;
export const DEFAULT_CALL_TIMEOUT_MS = 45_000;

const deadlines = new WeakMap<AbortSignal, { at: number; ms: number }>();

/** `parent` (the client's cancellation) combined with a deadline `ms` from now. */
export function withDeadline(parent: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  const signal = parent ? AbortSignal.any([parent, timeout]) : timeout;
  deadlines.set(signal, { at: Date.now() + ms, ms });
  return signal;
}

/** The end time (epoch ms) of a signal made by withDeadline; undefined for any other signal. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? deadlines.get(signal)?.at : undefined;
}

/** The budget (ms) a signal made by withDeadline was given; undefined for any other signal. */
export function budgetOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? deadlines.get(signal)?.ms : undefined;
}

/** True when the signal was aborted by a timeout (a deadline), not by the client cancelling. */
export function abortedByTimeout(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
}

/** "20 s", or "300 ms" for the short limits tests use. */
export function duration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

/**
 * `promise`, or a rejection as soon as `signal` aborts (with `reason()`, by default the signal's reason); the
 * promise's own outcome is then ignored. For waiting on shared work (a download several callers wait for)
 * that must not be cancelled for everyone when one caller stops.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, reason: () => unknown = () => signal?.reason): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(reason());
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
