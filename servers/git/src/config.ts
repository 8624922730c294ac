/** The git server's settings: the repositories (positional), whether repository hooks may run, a time limit. */
import { ConfigError, type ConfigSpec, parseInteger } from '@portico/protocol';

export interface GitConfig {
  /** Directories as given; each is a repository or a folder holding repositories. */
  repositories: string[];
  allowHooks: boolean;
  timeoutMs: number;
}

export const config: ConfigSpec<GitConfig> = {
  usage: '[options] <repository>...',
  positionals: {
    name: '<repository>...',
    description: 'repositories the tools may use (or folders that hold repositories); with none, nothing is reachable',
  },
  options: {
    'allow-hooks': {
      type: 'boolean',
      env: 'PORTICO_GIT_ALLOW_HOOKS',
      description: "let writes run the repositories' own hooks and filter/merge drivers (e.g. Git LFS); reads never run them",
    },
    'git-timeout': {
      type: 'string',
      env: 'PORTICO_GIT_TIMEOUT',
      placeholder: 'SECONDS',
      description: 'stop a git command that runs longer than this (default 60)',
    },
  },
  helpText: [
    'Examples:',
    '  portico-git ~/src/my-project',
    '  portico-git --allow-hooks ~/src/app ~/src/lib',
    '',
    "Client roots can narrow the repositories to those inside the client's roots, never add others.",
  ].join('\n'),
  parse({ values, positionals }) {
    for (const p of positionals) {
      if (p.trim() === '') throw new ConfigError('an empty repository path was given; pass the path of a repository folder.', '<repository>');
    }
    const seconds = parseInteger(values['git-timeout'] as string | undefined, '--git-timeout', 1, 3600) ?? 60;
    return { repositories: positionals, allowHooks: values['allow-hooks'] === true, timeoutMs: seconds * 1000 };
  },
};
