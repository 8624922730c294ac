import { defineTool, z } from '@portico/protocol';
import type { PostgresDeps } from '../deps.js';
import { analyzeHealth, HEALTH_CHECKS, type HealthCheckName } from '../lib/health.js';
import { withDbErrors } from './shared.js';

export const analyzeDbHealth = defineTool({
  name: 'analyze_db_health',
  title: 'Database health report',
  description:
    'Checks the database\'s health from its statistics: connection use, buffer cache hit ratio, long-running statements, ' +
    'sessions blocked by locks, duplicate/invalid/unused indexes, and tables with many dead rows. Each check reports ok, warning, critical or unavailable.',
  toolset: 'health',
  input: z.object({
    checks: z
      .array(z.enum(HEALTH_CHECKS as [HealthCheckName, ...HealthCheckName[]]))
      .optional()
      .describe(`Which checks to run (default all): ${HEALTH_CHECKS.join(', ')}.`),
    long_running_seconds: z.number().int().min(1).max(86_400).optional().describe('A statement running longer than this many seconds counts as long-running (default 60).'),
  }),
  output: z.object({
    overall: z.enum(['ok', 'warning', 'critical']).describe('The worst status among the checks that ran.'),
    checks: z
      .array(
        z.object({
          check: z.string().describe('Check name.'),
          status: z.enum(['ok', 'warning', 'critical', 'unavailable']).describe('Result of the check.'),
          summary: z.string().describe('One-line finding.'),
          details: z.array(z.record(z.string(), z.unknown())).describe('Supporting rows (at most 25).'),
        }),
      )
      .describe('One entry per check, in the order asked.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
  async handler({ checks, long_running_seconds = 60 }, { deps, signal }: { deps: PostgresDeps; signal: AbortSignal }) {
    const wanted = checks?.length ? [...new Set(checks)] : HEALTH_CHECKS;
    const results = await withDbErrors(deps, () =>
      deps.db.read((session) => analyzeHealth(session, { checks: wanted, longRunningSeconds: long_running_seconds, schemas: deps.settings.schemas }), { signal }),
    );
    const overall: 'ok' | 'warning' | 'critical' = results.some((r) => r.status === 'critical') ? 'critical' : results.some((r) => r.status === 'warning') ? 'warning' : 'ok';
    const text = [`Overall: ${overall}`, ...results.map((r) => `[${r.status}] ${r.check}: ${r.summary}`)].join('\n');
    return { structured: { overall, checks: results }, text };
  },
});
