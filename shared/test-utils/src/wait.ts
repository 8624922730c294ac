/**
 * Waits until `check` holds, polling every `everyMs`, for at most `timeoutMs`; returns its last value. For
 * effects that follow an action asynchronously (a process exiting, a thread ending, a request arriving):
 * assert on the result, so a condition that never holds fails the test instead of hanging it.
 */
export async function waitFor(check: () => boolean, timeoutMs = 5_000, everyMs = 20): Promise<boolean> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}
