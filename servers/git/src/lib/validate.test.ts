import { describe, expect, it } from 'vitest';
import { RepoError } from './errors.js';
import { repoPath } from './paths.js';
import { redactUrl } from './refs.js';
import { checkNewRefName, checkRevision, refNameProblem } from './validate.js';

describe('ref names', () => {
  it.each(['main', 'feature/login-form', 'v1.2.3', 'fix_42', 'a/b/c'])('accepts %s', (name) => {
    expect(refNameProblem(name)).toBeUndefined();
  });
  it.each([
    '--output=/tmp/x',
    '-b',
    'a..b',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[',
    'a\\b',
    'a@{1}',
    '@',
    '/a',
    'a/',
    'a//b',
    'a.',
    '.hidden',
    'a/.b',
    'x.lock',
    'HEAD',
    'tab\there',
    '',
  ])('refuses %j', (name) => {
    expect(refNameProblem(name)).toBeDefined();
    expect(() => checkNewRefName(name, 'branch')).toThrow(RepoError);
  });
});

describe('revisions', () => {
  it('refuses anything git could read as an option', () => {
    for (const rev of ['--output=/tmp/x', '-p', '--upload-pack=touch /tmp/x', '--exec=x']) {
      expect(() => checkRevision(rev, 'target')).toThrow(/starts with "-"/);
    }
  });
  it('accepts ordinary revision syntax', () => {
    for (const rev of ['HEAD~2', 'main', 'v1.0^{commit}', 'HEAD@{1}', 'abc1234', ':/fix bug']) expect(checkRevision(rev, 'r')).toBe(rev);
  });
  it('refuses control characters', () => {
    expect(() => checkRevision('main\nHEAD', 'r')).toThrow(RepoError);
  });
});

describe('repository paths (lexical)', () => {
  const top = '/srv/repo';
  it('keeps paths inside the repository, relative to its top level', () => {
    expect(repoPath(top, 'src/a.ts').rel).toBe('src/a.ts');
    expect(repoPath(top, '/srv/repo/src/../b.ts').rel).toBe('b.ts');
    expect(repoPath(top, '.').rel).toBe('.');
  });
  it.each(['../x', '../../etc/passwd', '/etc/passwd', 'src/../../x', '/srv/repo2/a'])('refuses %s', (p) => {
    expect(() => repoPath(top, p)).toThrow(/outside the repository/);
  });
  it('refuses the .git directory and NUL bytes', () => {
    expect(() => repoPath(top, '.git/config')).toThrow(/\.git/);
    expect(() => repoPath(top, 'sub/.GIT/hooks/pre-commit')).toThrow(/\.git/);
    expect(() => repoPath(top, 'a\u0000b')).toThrow(/NUL/);
  });
  it('treats option-looking names as plain file names inside the repository', () => {
    expect(repoPath(top, '--output=/tmp/x').rel).toBe('--output=/tmp/x');
  });
});

describe('remote URLs', () => {
  it('hides credentials but keeps plain user names', () => {
    expect(redactUrl('https://user:s3cret@example.com/r.git')).toBe('https://***@example.com/r.git');
    expect(redactUrl('https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/o/r')).toBe('https://***@github.com/o/r');
    expect(redactUrl('ssh://git@example.com/r.git')).toBe('ssh://git@example.com/r.git');
    expect(redactUrl('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });
});
