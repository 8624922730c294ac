import { defineServer, readPackageInfo } from '@portico/protocol';
import type { FilesystemDeps } from './deps.js';
import { fileResources } from './resources.js';
import { tools } from './tools/index.js';

export const server = defineServer<FilesystemDeps>({
  name: 'filesystem',
  package: readPackageInfo(import.meta.url),
  title: 'Portico filesystem',
  instructions: [
    'Reads, searches and edits files inside the allowed directories only (call list_allowed_directories first).',
    'Paths may be absolute or relative to the first allowed directory.',
    'Read with read_text_file (head, tail, or offset+count for large files; long output is cut with a hint to continue);',
    'images, audio and other binary files with read_media_file. Find files with search_files (glob) and text inside',
    'them with search_content. Change files with edit_file (each oldText must match exactly once) or write_file.',
  ].join(' '),
  defaultPort: 3301,
  tools,
  toolsets: {
    read: 'read files and list directories',
    search: 'find files by name and text inside files; directory trees',
    write: 'create, edit, move, copy and delete (removed by --read-only)',
  },
  resourceTemplates: fileResources,
});
