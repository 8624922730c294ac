/**
 * The filesystem server's settings. The allowed directories are the positional arguments; a directory given
 * with `--read-only-dir DIR` (repeatable) is allowed for reading only. A flag was chosen over a `:ro` suffix
 * on positionals because any suffix is also a legal file name (and `C:` already uses a colon on Windows).
 */
import { ConfigError, type ConfigSpec, parseInteger } from '@portico/protocol';

export interface AllowedDirectory {
  path: string;
  readOnly: boolean;
}

export interface FilesystemConfig {
  directories: AllowedDirectory[];
  /** Most bytes of text one read returns before it is cut with a continuation hint. */
  maxReadBytes: number;
  /** Largest file read_media_file returns (base64 grows it by a third). */
  maxMediaBytes: number;
}

export const DEFAULT_MAX_READ_BYTES = 256 * 1024;
export const DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024;

export const config: ConfigSpec<FilesystemConfig> = {
  usage: '[options] <directory>... [--read-only-dir <directory>]...',
  positionals: { name: '<directory>...', description: 'directories the tools may read and write (at least one, here or as --read-only-dir)' },
  options: {
    'read-only-dir': {
      type: 'string',
      multiple: true,
      placeholder: 'DIR',
      description: 'a directory the tools may read but never change (repeatable)',
    },
    'max-read-bytes': {
      type: 'string',
      env: 'PORTICO_FS_MAX_READ_BYTES',
      placeholder: 'N',
      description: `most bytes of text one read returns before it is cut with a hint to continue (default ${DEFAULT_MAX_READ_BYTES})`,
    },
    'max-media-bytes': {
      type: 'string',
      env: 'PORTICO_FS_MAX_MEDIA_BYTES',
      placeholder: 'N',
      description: `largest file read_media_file returns (default ${DEFAULT_MAX_MEDIA_BYTES})`,
    },
  },
  helpText: [
    'MCP client roots can only narrow the directories given here, never widen them.',
    'Example: portico-filesystem ~/projects/app --read-only-dir ~/reference',
  ].join('\n'),
  parse({ values, positionals }) {
    const readOnlyDirs = (values['read-only-dir'] as string[] | undefined) ?? [];
    const directories: AllowedDirectory[] = [
      ...positionals.map((path) => ({ path, readOnly: false })),
      ...readOnlyDirs.map((path) => ({ path, readOnly: true })),
    ];
    if (directories.length === 0) {
      throw new ConfigError(
        'no allowed directory given: pass at least one directory as an argument (e.g. portico-filesystem /path/to/project), or --read-only-dir DIR.',
        '<directory>',
      );
    }
    const maxReadBytes = parseInteger(values['max-read-bytes'] as string | undefined, '--max-read-bytes', 1024, 64 * 1024 * 1024) ?? DEFAULT_MAX_READ_BYTES;
    const maxMediaBytes = parseInteger(values['max-media-bytes'] as string | undefined, '--max-media-bytes', 1024, 512 * 1024 * 1024) ?? DEFAULT_MAX_MEDIA_BYTES;
    return { directories, maxReadBytes, maxMediaBytes };
  },
};
