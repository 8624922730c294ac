/**
 * Libraries loaded on first use rather than at start-up: cold start is part of the contract ("no slower than
 * the official server"), and diff, picomatch and ignore together add ~100 ms of imports that a session which
 * never edits or globs does not need. All three ship CommonJS, so a synchronous require keeps callers simple.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazy<T>(load: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= load());
}

export const loadPicomatch = lazy(() => require('picomatch') as typeof import('picomatch'));
export const loadIgnore = lazy(() => require('ignore') as typeof import('ignore'));
export const loadDiff = lazy(() => require('diff') as typeof import('diff'));
