/**
 * The ToolErrors the sandbox throws, worded for the model: what failed, which directories are allowed, what
 * to do next. One place, so every server refuses the same way. Rule: a message may name the user's input and
 * paths inside the sandbox, never anything learned about a location outside it (not even whether it exists).
 */
import { ToolError } from '../errors.js';

export type SandboxErrorCode =
  | 'outside_sandbox'
  | 'not_found'
  | 'read_only'
  | 'invalid_path'
  | 'is_directory'
  | 'not_a_file'
  | 'exists'
  | 'permission_denied'
  | 'path_changed'
  | 'cross_device';

const LIST_HINT = 'call list_allowed_directories to see the allowed directories';

export function describeRoots(roots: readonly { path: string; readOnly: boolean }[]): string {
  if (roots.length === 0) return '(none)';
  return roots.map((r) => (r.readOnly ? `${r.path} (read-only)` : r.path)).join(', ');
}

export function invalidPath(message: string, hint?: string): ToolError {
  return new ToolError(message, { code: 'invalid_path', ...(hint ? { hint } : {}) });
}

export function outsideSandbox(input: string, roots: readonly { path: string; readOnly: boolean }[], how: 'lexical' | 'symlink' | 'changed' = 'lexical'): ToolError {
  if (roots.length === 0) {
    return new ToolError(
      `Access denied: "${input}" cannot be reached because no directory is accessible in this session (the client's roots do not overlap the directories this server was started with).`,
      { code: 'outside_sandbox', hint: 'Ask the user to add a client root inside the server\'s allowed directories, or to start the server with the directory they want to use.' },
    );
  }
  const reason =
    how === 'symlink'
      ? 'resolves (through a symbolic link) to a location outside the allowed directories'
      : how === 'changed'
        ? 'changed while it was being opened and now leads outside the allowed directories'
        : 'is outside the allowed directories';
  return new ToolError(`Access denied: "${input}" ${reason}. Allowed: ${describeRoots(roots)}.`, {
    code: 'outside_sandbox',
    hint: `Use a path inside one of the allowed directories (${LIST_HINT}).`,
  });
}

export function notFound(input: string, detail?: string): ToolError {
  return new ToolError(`"${input}" does not exist${detail ? ` (${detail})` : ''}.`, {
    code: 'not_found',
    hint: `Check the spelling, or list the parent directory to see what is there (${LIST_HINT}).`,
  });
}

export function readOnlyRoot(input: string, rootPath: string): ToolError {
  return new ToolError(`"${input}" is inside ${rootPath}, which this server may only read.`, {
    code: 'read_only',
    hint: 'Write somewhere inside a directory that is not marked read-only, or ask the operator to allow writes there.',
  });
}

export function isDirectory(input: string, hint: string): ToolError {
  return new ToolError(`"${input}" is a directory.`, { code: 'is_directory', hint });
}

export function notAFile(input: string): ToolError {
  return new ToolError(`"${input}" is not a regular file (it is a device, socket or pipe).`, {
    code: 'not_a_file',
    hint: 'Only regular files can be read or written here.',
  });
}

export function alreadyExists(input: string, hint: string): ToolError {
  return new ToolError(`"${input}" already exists.`, { code: 'exists', hint });
}

export function pathChanged(input: string): ToolError {
  return new ToolError(`"${input}" changed while it was being opened (a directory or link was replaced), so the operation was not done.`, {
    code: 'path_changed',
    hint: 'Try again; if it keeps happening, something else is modifying these files.',
  });
}

export function permissionDenied(input: string): ToolError {
  return new ToolError(`The operating system refused access to "${input}" (permission denied).`, {
    code: 'permission_denied',
    hint: 'Choose a file this server\'s user may access, or ask the operator to fix the permissions.',
  });
}

export function symlinkLoop(input: string): ToolError {
  return invalidPath(`"${input}" cannot be resolved: too many levels of symbolic links (a link loop?).`, 'Use a path that does not go through the looping link.');
}
