/**
 * Issue 12, fuzzing: every tool of the postgres, github and slack servers through the real MCP client over
 * stdio, against an embedded PostgreSQL (started once for this file) and the loopback fakes of GitHub and
 * Slack.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { startTestPostgres, type TestPostgres } from '@portico/test-utils';
import { describeToolFuzz } from '../src/fuzz-suite.js';
import { githubTarget, postgresTarget, slackTarget } from '../src/targets.js';

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres();
});
afterAll(async () => {
  await pg?.close();
});

describe('postgres', () => describeToolFuzz(() => postgresTarget(pg)));
describe('github', () => describeToolFuzz(githubTarget));
describe('slack', () => describeToolFuzz(slackTarget));
