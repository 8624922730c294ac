/** Real git repositories made with the git CLI, for the git server's tests. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Environment that isolates git from the machine's global and system config. */
export function isolatedGitEnv(home: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(home, '.gitconfig-portico-test'),
    GIT_AUTHOR_NAME: 'Portico Test',
    GIT_AUTHOR_EMAIL: 'test@portico.invalid',
    GIT_COMMITTER_NAME: 'Portico Test',
    GIT_COMMITTER_EMAIL: 'test@portico.invalid',
    GIT_TERMINAL_PROMPT: '0',
  };
}

export function git(cwd: string, args: string[], env?: NodeJS.ProcessEnv): string {
  return execFileSync('git', args, { cwd, env: env ?? isolatedGitEnv(cwd), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Creates a repository at `dir` with the given files committed (one commit), on branch `main`. */
export function makeGitRepo(dir: string, files: Record<string, string> = { 'README.md': '# test\n' }, env?: NodeJS.ProcessEnv): void {
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main'], env);
  if (Object.keys(files).length === 0) return;
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  git(dir, ['add', '-A'], env);
  git(dir, ['commit', '-q', '-m', 'initial commit'], env);
}
