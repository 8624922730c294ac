/**
 * Which conformance scenarios a real Portico server is held to, and how its checks are scored against the
 * per-server baseline (scripts/conformance/expected-failures-servers.json).
 *
 * Real servers are held to the protocol-level scenarios only: lifecycle, ping, logging level, listing,
 * sessions, SSE streams, headers, DNS rebinding, stateless serving, caching hints. Scenarios built on the
 * suite's fixture tools, prompts and resources (tools-call-*, prompts-get-*, resources-read-*, completion,
 * elicitation, sampling, input_required flows, custom x-mcp headers, JSON Schema 2020-12 tool) are not
 * expected of them; the conformance fixture server covers those. Inside a protocol-level scenario, a check
 * the suite itself marks `details.untestable` (it needed a diagnostic fixture tool such as
 * test_missing_capability) is reported as untestable, not as a failure. And a listing check for a capability
 * the server does not declare (git has no resources or prompts, for instance) is not applicable, provided the
 * server answered what the spec asks of it then: JSON-RPC -32601 Method not found.
 */
export const PROTOCOL_SCENARIOS = {
  '2025-11-25': [
    'server-initialize',
    'server-session-lifecycle',
    'ping',
    'logging-set-level',
    'tools-list',
    'resources-list',
    'prompts-list',
    'server-sse-multiple-streams',
    'dns-rebinding-protection',
  ],
  '2026-07-28': [
    'server-stateless',
    'tools-list',
    'resources-list',
    'prompts-list',
    'sep-2164-resource-not-found',
    'server-sse-multiple-streams',
    'dns-rebinding-protection',
    'caching',
    'http-header-validation',
    'input-required-result-unsupported-methods',
    'input-required-result-validate-input',
  ],
};

/**
 * Scores one server at one revision. `results` maps scenario name to its checks (the suite's checks.json);
 * `expected` maps "scenario:check-id" to the reason it is allowed to fail.
 * Returns counts plus the lists a person needs: unexpected failures, expected ones, stale baseline entries.
 */
export function score(results, expected = {}, { declared } = {}) {
  const out = { passed: 0, failed: 0, expectedFailed: 0, untestable: 0, notApplicable: 0, warnings: 0, unexpected: [], expectedFailures: [], untestableChecks: [], notApplicableChecks: [], stale: [], missing: [] };
  const seen = new Set();
  for (const [scenario, checks] of Object.entries(results)) {
    if (!checks) {
      out.missing.push(scenario);
      out.failed += 1;
      out.unexpected.push({ key: `${scenario}:scenario-ran`, message: 'the suite produced no result for this scenario' });
      continue;
    }
    for (const check of checks) {
      const key = `${scenario}:${check.id}`;
      seen.add(key);
      if (check.status === 'SUCCESS') out.passed += 1;
      else if (check.status === 'WARNING') out.warnings += 1;
      else if (check.status === 'FAILURE' && check.details?.untestable === true) {
        out.untestable += 1;
        out.untestableChecks.push({ key, message: check.errorMessage ?? check.description });
      } else if (check.status === 'FAILURE' && declared && isUndeclaredCapabilityAnswer(key, check, declared)) {
        out.notApplicable += 1;
        out.notApplicableChecks.push({ key, message: check.errorMessage ?? check.description });
      } else if (check.status === 'FAILURE') {
        if (expected[key]) {
          out.expectedFailed += 1;
          out.expectedFailures.push({ key, reason: expected[key] });
        } else {
          out.failed += 1;
          out.unexpected.push({ key, message: check.errorMessage ?? check.description ?? '' });
        }
      }
      // INFO and SKIPPED checks are informational: neither passed nor failed.
    }
  }
  for (const key of Object.keys(expected)) {
    if (!out.expectedFailures.some((e) => e.key === key)) out.stale.push(key);
  }
  return out;
}

/** The capability a check exercises, by its scenario and check id: prompts, resources, or undefined. */
export function capabilityOf(key) {
  if (/prompts/.test(key)) return 'prompts';
  if (/resource/.test(key)) return 'resources';
  return undefined;
}

/** A failed check on a capability the server does not declare, answered with -32601 Method not found. */
function isUndeclaredCapabilityAnswer(key, check, declared) {
  const capability = capabilityOf(key);
  if (!capability || declared[capability]) return false;
  const text = `${check.errorMessage ?? ''} ${JSON.stringify(check.details ?? {})}`;
  return /-32601|Method not found/i.test(text);
}

/** Validates a baseline: every entry needs a non-empty reason, for a known server and revision. */
export function baselineProblems(baseline, serverNames) {
  const problems = [];
  for (const [server, byRevision] of Object.entries(baseline)) {
    if (server.startsWith('$')) continue; // "$comment" and the like
    if (!serverNames.includes(server)) problems.push(`unknown server "${server}"`);
    for (const [revision, entries] of Object.entries(byRevision)) {
      if (!PROTOCOL_SCENARIOS[revision]) problems.push(`${server}: unknown revision "${revision}"`);
      for (const [key, reason] of Object.entries(entries)) {
        if (!/^[a-z0-9-]+:[a-z0-9_.-]+$/i.test(key)) problems.push(`${server} ${revision}: "${key}" is not "scenario:check-id"`);
        if (typeof reason !== 'string' || reason.trim().length < 10) problems.push(`${server} ${revision}: "${key}" needs a reason`);
      }
    }
  }
  return problems;
}
