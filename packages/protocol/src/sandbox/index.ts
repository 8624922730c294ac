/** The shared path sandbox: operator directories ∩ client roots, symlink-safe resolution, gap-free file operations. */
export type { AllowedRoot, AccessIntent, ResolvedPath, ResolveOptions } from './types.js';
export { PathSandbox, sandboxForRequest, type ClientRootsSource } from './sandbox.js';
export { openForRead, writeFileAtomic, makeDirectory, movePath, copyPath, removePath, MAX_REMOVE_DEPTH, type WriteOptions } from './io.js';
export {
  isPathInside,
  validateRawPath,
  fileUriToPath,
  expandHome,
  lexicalAbsolute,
  MAX_PATH_LENGTH,
  MAX_COMPONENT_LENGTH,
  type PathImpl,
} from './paths.js';
export { MAX_SYMLINK_HOPS } from './walk.js';
export { openWalkedFile, openWalkedFileSync, canOpenWalkedFilesSync, type WalkedFile } from './walked.js';
export type { SandboxErrorCode } from './messages.js';
