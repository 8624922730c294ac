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

/**
 * Runs `work` with a signal that is `parent` (the client's cancellation) combined with a deadline `ms` from
 * now, and ends the deadline's timer when the work is done, whatever its outcome. A timer left to run until
 * its deadline would hold the signal and its listeners that long: at thousands of calls a minute that was
 * 70 MiB more of live memory in the soak test.
 */
export async function withinDeadline<T>(parent: AbortSignal | undefined, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = startDeadline(parent, ms);
  try {
    return await work(deadline.signal);
  } finally {
    deadline.clear();
  }
}

/**
 * A signal that aborts when `parent` does (with its reason), or `ms` from now with a TimeoutError, as
 * AbortSignal.timeout's (so abortedByTimeout() recognises it; `message` says what took too long). clear()
 * ends the timer and lets go of `parent` once the work is over (withinDeadline does it): until then the timer
 * holds the signal, its listeners and `parent`'s listener.
 *
 * Not AbortSignal.any([parent, AbortSignal.timeout(ms)]): on Node 20 AbortSignal.any() holds its sources
 * weakly, and a timeout signal nothing else references is garbage collected before it fires
 * (nodejs/node#57736), so the deadline never came (a 9.5 MB fetch conversion ran 28 s under a 10 s budget;
 * one forced GC is enough). A timer is held by the event loop until it fires or is cleared; it is unref'd,
 * so a pending deadline alone does not keep the process alive.
 */
export function startDeadline(parent: AbortSignal | undefined, ms: number, message = `The operation took longer than ${duration(ms)}.`): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onAbort = () => {
    clearTimeout(timer);
    controller.abort(parent?.reason);
  };
  const timer = setTimeout(() => {
    parent?.removeEventListener('abort', onAbort);
    controller.abort(new DOMException(message, 'TimeoutError'));
  }, ms);
  timer.unref();
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  deadlines.set(controller.signal, { at: Date.now() + ms, ms });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onAbort);
    },
  };
}

/** The end time (epoch ms) of a signal made by startDeadline or withinDeadline; undefined for any other signal. */
export function deadlineOf(signal: AbortSignal | undefined): number | undefined {
  return signal ? deadlines.get(signal)?.at : undefined;
}

/** The budget (ms) a signal made by startDeadline or withinDeadline was given; undefined for any other signal. */
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
