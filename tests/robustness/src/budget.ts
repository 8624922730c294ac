/**
 * How hard the fuzzers push. CI runs a small fixed budget (the whole package stays well under ~2.5 minutes
 * on a 2-core machine); `pnpm fuzz` sets FUZZ_RUNS for a longer campaign. FUZZ_SEED replays a failing run
 * (fast-check prints the seed and path of every counterexample).
 */
export const CI_RUNS_PER_TOOL = 6;

function positiveInt(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`FUZZ_RUNS/FUZZ_SEED must be a positive integer, not ${JSON.stringify(raw)}`);
  return n;
}

/** Calls per tool in the argument fuzzer. */
export const runsPerTool = positiveInt(process.env.FUZZ_RUNS) ?? CI_RUNS_PER_TOOL;

/** Raw framing cases per transport: scales with FUZZ_RUNS but never below the CI amount. */
export const framingRuns = Math.max(40, runsPerTool * 8);

/** Fixed seed when given, so a finding can be replayed exactly. */
export const seed = positiveInt(process.env.FUZZ_SEED);

/** fast-check parameters shared by every property. */
export function fcParams(numRuns: number): { numRuns: number; seed?: number; endOnFailure: boolean } {
  return { numRuns, ...(seed !== undefined ? { seed } : {}), endOnFailure: true };
}
