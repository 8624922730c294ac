/** The ordered tool inventory: the official server's 14 tools in its order, then Portico's additions. */
import { copyFileTool } from './copy-file.js';
import { createDirectoryTool } from './create-directory.js';
import { deleteFileTool } from './delete-file.js';
import { directoryTreeTool } from './directory-tree.js';
import { editFileTool } from './edit-file.js';
import { getFileInfoTool } from './get-file-info.js';
import { listAllowedDirectoriesTool } from './list-allowed-directories.js';
import { listDirectoryWithSizesTool } from './list-directory-with-sizes.js';
import { listDirectoryTool } from './list-directory.js';
import { moveFileTool } from './move-file.js';
import { readMediaFileTool } from './read-media-file.js';
import { readMultipleFilesTool } from './read-multiple-files.js';
import { readFileTool, readTextFileTool } from './read-text-file.js';
import { searchContentTool } from './search-content.js';
import { searchFilesTool } from './search-files.js';
import { writeFileTool } from './write-file.js';

export const tools = [
  readFileTool,
  readTextFileTool,
  readMediaFileTool,
  readMultipleFilesTool,
  writeFileTool,
  editFileTool,
  createDirectoryTool,
  listDirectoryTool,
  listDirectoryWithSizesTool,
  directoryTreeTool,
  moveFileTool,
  searchFilesTool,
  getFileInfoTool,
  listAllowedDirectoriesTool,
  // Portico additions
  searchContentTool,
  copyFileTool,
  deleteFileTool,
];
