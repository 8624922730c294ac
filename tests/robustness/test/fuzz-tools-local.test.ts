/**
 * Issue 12, fuzzing: every tool of the filesystem, sqlite, git and fetch servers, called through the real
 * MCP client over stdio on the built bins with arguments derived from its input schema plus hostile values.
 */
import { describe } from 'vitest';
import { describeToolFuzz } from '../src/fuzz-suite.js';
import { fetchTarget, filesystemTarget, gitTarget, sqliteTarget } from '../src/targets.js';

describe('filesystem', () => describeToolFuzz(filesystemTarget));
describe('sqlite', () => describeToolFuzz(sqliteTarget));
describe('git', () => describeToolFuzz(gitTarget));
describe('fetch', () => describeToolFuzz(fetchTarget));
