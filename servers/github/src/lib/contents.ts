/**
 * Reading files through the contents API: directories as entry lists, text as text, binary as base64 (never
 * decoded into garbled UTF-8), files above the contents API's 1 MB limit through the git blob API, and files
 * above MAX_FILE_BYTES as a clear error.
 */
import { createHash } from 'node:crypto';
import type { GitHubClient } from './client.js';
import { compactContentEntry, type Json } from './compact.js';
import { GitHubApiError, RETRY_OR_CLONE } from './errors.js';
import { encodePath, repoBase } from './paths.js';

export type FileContents =
  | { kind: 'dir'; path: string; entries: ReturnType<typeof compactContentEntry>[] }
  | { kind: 'text'; path: string; sha: string; size: number; text: string; html_url: string | null }
  | { kind: 'binary'; path: string; sha: string; size: number; base64: string; mimeType: string; html_url: string | null }
  | { kind: 'other'; path: string; sha: string; type: string; target: string | null; html_url: string | null };

/** Largest binary returned inline (base64 grows it by a third). */
export const MAX_INLINE_BINARY_BYTES = 750 * 1024;

/**
 * Largest file read at all. The contents API answers files over 1 MB without their content; those (up to this
 * size) are read as raw bytes from the git blob API, by the sha the contents API reported. Text is then
 * returned in slices like any other; each slice reads the file again, so the cap bounds what one call holds.
 */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export function looksBinary(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 8000);
  if (head.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', ico: 'image/x-icon', bmp: 'image/bmp',
  pdf: 'application/pdf', zip: 'application/zip', gz: 'application/gzip', tgz: 'application/gzip', tar: 'application/x-tar',
  wasm: 'application/wasm', woff: 'font/woff', woff2: 'font/woff2', ttf: 'font/ttf', mp3: 'audio/mpeg', mp4: 'video/mp4', wav: 'audio/wav',
};

/** Git's object id of a blob: the hash of "blob <length>\0" and the bytes (SHA-1, or SHA-256 repositories). */
export function gitBlobSha(bytes: Buffer, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function guessMimeType(path: string): string {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  return MIME_BY_EXTENSION[ext] ?? 'application/octet-stream';
}

export async function getContents(gh: GitHubClient, args: { owner: string; repo: string; path: string; ref?: string | undefined }, signal?: AbortSignal): Promise<FileContents> {
  gh.assertRepo(args.owner, args.repo);
  const where = `${args.path || '/'} in ${args.owner}/${args.repo}${args.ref ? ` at ${args.ref}` : ''}`;
  const response = await gh.request<Json | Json[]>('GET', `${repoBase(args.owner, args.repo)}/contents/${encodePath(args.path)}`, {
    query: { ref: args.ref },
    what: `the path ${where}`,
    ...(signal ? { signal } : {}),
  });
  const data = response.data;
  if (Array.isArray(data)) return { kind: 'dir', path: args.path, entries: data.map(compactContentEntry) };
  const type = String(data.type ?? 'file');
  const html_url = typeof data.html_url === 'string' ? data.html_url : null;
  if (type !== 'file') {
    return { kind: 'other', path: String(data.path ?? args.path), sha: String(data.sha ?? ''), type, target: typeof data.target === 'string' ? data.target : typeof data.submodule_git_url === 'string' ? data.submodule_git_url : null, html_url };
  }
  const size = Number(data.size ?? 0);
  const sha = String(data.sha ?? '');
  let bytes: Buffer;
  if (data.encoding === 'none' || (data.content === '' && size > 0)) {
    // Over the contents API's 1 MB: its answer has no content (documented), the blob API gives the bytes.
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(sha)) {
      throw new GitHubApiError(`GitHub reported no usable sha for ${where} ("${sha.slice(0, 80)}"), so its content cannot be read by sha.`, 'upstream_error', RETRY_OR_CLONE, undefined);
    }
    if (size > MAX_FILE_BYTES) {
      throw new GitHubApiError(
        `${where} is ${size} bytes, larger than the ${MAX_FILE_BYTES}-byte limit for reading a file through this server.`,
        'too_large',
        `clone the repository, or download it from ${typeof data.download_url === 'string' ? data.download_url : 'the file\'s raw URL'} outside this server.`,
        undefined,
      );
    }
    bytes = await gh.requestBytes(`${repoBase(args.owner, args.repo)}/git/blobs/${sha}`, {
      headers: { accept: 'application/vnd.github.raw+json' },
      what: `the file ${where}`,
      maxBytes: MAX_FILE_BYTES,
      ...(signal ? { signal } : {}),
    });
    // The blob API names content by its hash: anything else (cut short, another object) is not this file.
    if (gitBlobSha(bytes, sha.length === 64 ? 'sha256' : 'sha1') !== sha) {
      throw new GitHubApiError(`the ${bytes.length} bytes GitHub sent for ${where} do not hash to its sha ${sha}, so they are not that file.`, 'upstream_error', RETRY_OR_CLONE, undefined);
    }
  } else {
    bytes = Buffer.from(String(data.content ?? ''), 'base64');
  }
  const common = { path: String(data.path ?? args.path), sha, size, html_url };
  if (looksBinary(bytes)) {
    if (bytes.length > MAX_INLINE_BINARY_BYTES) {
      throw new GitHubApiError(
        `${where} is a binary file of ${bytes.length} bytes, above the ${MAX_INLINE_BINARY_BYTES}-byte limit for returning it inline.`,
        'too_large',
        'download it outside this server (clone or raw URL).',
        undefined,
      );
    }
    return { kind: 'binary', ...common, base64: bytes.toString('base64'), mimeType: guessMimeType(common.path) };
  }
  return { kind: 'text', ...common, text: bytes.toString('utf8') };
}

/** The blob sha of an existing file on a branch, or undefined when there is none (404). */
export async function existingFileSha(gh: GitHubClient, args: { owner: string; repo: string; path: string; branch: string }, signal?: AbortSignal): Promise<string | undefined> {
  try {
    const response = await gh.request<Json | Json[]>('GET', `${repoBase(args.owner, args.repo)}/contents/${encodePath(args.path)}`, {
      query: { ref: args.branch },
      what: `the file ${args.path} in ${args.owner}/${args.repo}`,
      ...(signal ? { signal } : {}),
    });
    if (Array.isArray(response.data)) {
      throw new GitHubApiError(`${args.path} in ${args.owner}/${args.repo} is a directory, not a file.`, 'validation_failed', 'give the path of a file.', undefined);
    }
    return typeof response.data.sha === 'string' ? response.data.sha : undefined;
  } catch (error) {
    if (error instanceof GitHubApiError && error.code === 'not_found') return undefined;
    throw error;
  }
}

export interface PutFileResult {
  path: string;
  sha: string;
  commit_sha: string;
  commit_url: string | null;
  created: boolean;
}

export async function putFile(
  gh: GitHubClient,
  args: { owner: string; repo: string; path: string; content: string; message: string; branch: string; sha?: string | undefined },
  signal?: AbortSignal,
): Promise<PutFileResult> {
  gh.assertRepo(args.owner, args.repo);
  // The archived server looked the sha up when it was not given; keep that, so drop-in callers still work.
  const sha = args.sha ?? (await existingFileSha(gh, args, signal));
  const response = await gh.request<Json>('PUT', `${repoBase(args.owner, args.repo)}/contents/${encodePath(args.path)}`, {
    body: { message: args.message, content: Buffer.from(args.content, 'utf8').toString('base64'), branch: args.branch, ...(sha ? { sha } : {}) },
    what: `writing ${args.path} on branch ${args.branch} of ${args.owner}/${args.repo}`,
    verify: `get_file_contents of ${args.path} on branch ${args.branch} shows the current content and sha`,
    ...(signal ? { signal } : {}),
  });
  const content = (response.data.content ?? {}) as Json;
  const commit = (response.data.commit ?? {}) as Json;
  return {
    path: String(content.path ?? args.path),
    sha: String(content.sha ?? ''),
    commit_sha: String(commit.sha ?? ''),
    commit_url: typeof commit.html_url === 'string' ? commit.html_url : null,
    created: sha === undefined,
  };
}
