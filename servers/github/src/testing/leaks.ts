/** The canary check every test file runs at the end (excluded from the build). */
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/**
 * The token never appears in a result or a log line, and nothing even needed redacting (a "[REDACTED]" would
 * mean something tried to echo it). Every request to the fake carried exactly the token; none went to the
 * log storage origin with it.
 */
export function expectNoTokenLeak(h: Harness): void {
  const shown = JSON.stringify(h.results);
  expect(shown).not.toContain(h.token);
  expect(shown).not.toContain('[REDACTED]');
  const logs = h.logs.join('');
  expect(logs).not.toContain(h.token);
  for (const q of h.fake.logServer.requests) expect(JSON.stringify(q)).not.toContain(h.token);
}
