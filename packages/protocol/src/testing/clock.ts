/**
 * A clock that stands still, for governance `clock`: rate-limit buckets get no token back during a test's
 * burst however slow the machine is, and the retry time they advertise is exact.
 */
export function stoppedClock(at: number = Date.now()): () => number {
  return () => at;
}
