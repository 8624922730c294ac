import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { PROTOCOL_SCENARIOS, baselineProblems, capabilityOf, score } from './scoring.mjs';

// Check objects in the shape the suite writes to checks.json.
const ok = (id: string) => ({ id, status: 'SUCCESS' });
const fail = (id: string, errorMessage: string, details?: Record<string, unknown>) => ({ id, status: 'FAILURE', errorMessage, ...(details ? { details } : {}) });
const SERVERS = ['filesystem', 'sqlite', 'git', 'fetch', 'postgres', 'github', 'slack'];

describe('conformance scoring of real servers', () => {
  it('counts passes, fails an unlisted failure, and moves a baselined one to expected with its reason', () => {
    const results = { ping: [ok('ping'), ok('wire-schema-valid')], 'tools-list': [fail('tools-list', 'bad tool'), ok('tools-name-format')] };
    const bare = score(results, {});
    expect(bare.passed).toBe(3);
    expect(bare.failed).toBe(1);
    expect(bare.unexpected.map((u: { key: string }) => u.key)).toEqual(['tools-list:tools-list']);

    const baselined = score(results, { 'tools-list:tools-list': 'a reason that explains it', 'ping:gone': 'fixed long ago, still listed' });
    expect(baselined.failed).toBe(0);
    expect(baselined.expectedFailed).toBe(1);
    expect(baselined.expectedFailures[0].reason).toBe('a reason that explains it');
    expect(baselined.stale).toEqual(['ping:gone']);
  });

  it('fails a scenario that produced no checks', () => {
    const s = score({ 'server-initialize': undefined }, {});
    expect(s.failed).toBe(1);
    expect(s.missing).toEqual(['server-initialize']);
  });

  it('reports checks the suite marks untestable apart from failures', () => {
    const s = score({ 'server-stateless': [fail('sep-2575-missing-capability-http-400', 'Not testable: no test_missing_capability', { untestable: true }), fail('sep-2575-other', 'real')] }, {});
    expect(s.untestable).toBe(1);
    expect(s.failed).toBe(1);
  });

  it('treats a listing failure as not applicable only for an undeclared capability answered with -32601', () => {
    const results = { 'prompts-list': [fail('prompts-list', 'Failed: Method not found')], caching: [fail('sep-2549-resources-list-caching-hints', 'resources/list returned JSON-RPC error -32601: Method not found')] };
    const undeclared = score(results, {}, { declared: { tools: {}, logging: {} } });
    expect(undeclared.notApplicable).toBe(2);
    expect(undeclared.failed).toBe(0);
    // Declared but failing is a real failure; so is an undeclared capability answered with anything else.
    expect(score(results, {}, { declared: { tools: {}, prompts: {}, resources: {} } }).failed).toBe(2);
    expect(score({ 'prompts-list': [fail('prompts-list', 'Internal error')] }, {}, { declared: { tools: {} } }).failed).toBe(1);
    expect(capabilityOf('tools-list:tools-list')).toBeUndefined();
  });

  it('requires a reason for every baseline entry, and the committed baseline is valid', () => {
    expect(baselineProblems({ git: { '2025-11-25': { 'ping:ping': '' } } }, SERVERS)).toEqual(['git 2025-11-25: "ping:ping" needs a reason']);
    expect(baselineProblems({ gti: {} }, SERVERS)).toEqual(['unknown server "gti"']);
    const committed = JSON.parse(readFileSync(new URL('./expected-failures-servers.json', import.meta.url), 'utf8'));
    expect(baselineProblems(committed, SERVERS)).toEqual([]);
    expect(Object.keys(PROTOCOL_SCENARIOS)).toEqual(['2025-11-25', '2026-07-28']);
  });
});
