/** Output shapes shared by several tools (zod mirrors of the lib/ types). */
import { z } from '@portico/protocol';

export const commitSchema = z.object({
  hash: z.string().describe('Full commit hash.'),
  short_hash: z.string().describe('Abbreviated hash.'),
  parents: z.array(z.string()).describe('Parent hashes (two or more for a merge).'),
  author_name: z.string().describe('Author name.'),
  author_email: z.string().describe('Author e-mail.'),
  date: z.string().describe('Author date, ISO 8601.'),
  committer_name: z.string().describe('Committer name.'),
  committed_at: z.string().describe('Commit date, ISO 8601.'),
  subject: z.string().describe('First line of the message.'),
  body: z.string().describe('Rest of the message.'),
  refs: z.array(z.string()).describe('Branches and tags pointing at this commit.'),
});

export const fileChangeSchema = z.object({
  path: z.string().describe('Path relative to the repository top level.'),
  old_path: z.string().optional().describe('Previous path of a renamed file.'),
  added: z.number().nullable().describe('Lines added (null for binary files).'),
  deleted: z.number().nullable().describe('Lines deleted (null for binary files).'),
  binary: z.boolean().describe('True for binary files, whose content is not shown.'),
});

export const pagedTextSchema = {
  next_offset: z.number().nullable().describe('Offset to pass to get the rest, or null when nothing was cut.'),
  truncated: z.boolean().describe('True when the text was cut to the budget.'),
};
