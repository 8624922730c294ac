/** Declares the vitest cases that fuzz one server's tools and check its sandbox afterwards. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runsPerTool } from './budget.js';
import { fuzzTarget, isKnownFinding, type FuzzReport } from './fuzz-tools.js';
import type { FuzzTarget } from './targets.js';

/**
 * The tool count is not pinned here (servers gain tools; their own e2e tests pin their inventories): every
 * listed tool is fuzzed, and the call count proves none was skipped.
 */
export function describeToolFuzz(make: () => Promise<FuzzTarget>): void {
  let target: FuzzTarget;
  beforeAll(async () => {
    target = await make();
  });
  afterAll(async () => {
    await target?.close();
  });

  it('every listed tool answers fuzzed arguments without crash, hang, internal fault or change outside the sandbox', async () => {
    const runs = Math.max(runsPerTool, target.minRunsPerTool ?? 0);
    const before = await target.outsideFingerprint();
    let report: FuzzReport;
    try {
      report = await fuzzTarget(target, runs);
    } finally {
      // Checked even when the fuzzer itself failed: an escape matters more than a hang.
      expect(await target.outsideFingerprint()).toBe(before);
    }
    console.info(`[fuzz ${target.name}] tools=${report.tools} calls=${report.calls} results=${report.results} isError=${report.isErrorResults} jsonRpcErrors=${report.jsonRpcErrors} findings=${report.findings.length}`);
    expect(report.tools).toBeGreaterThan(0);
    expect(report.calls).toBe(report.tools * runs);
    const known = report.findings.filter(isKnownFinding);
    if (known.length) console.warn(`[fuzz ${target.name}] ${known.length} known finding(s) (see KNOWN_FINDINGS):`, JSON.stringify(known.slice(0, 3), null, 1));
    expect(report.findings.filter((f) => !isKnownFinding(f))).toEqual([]);
  });
}
