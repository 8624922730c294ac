/** Fields shared by create_issue and update_issue. */
import { delimitUntrusted, z } from '@portico/protocol';
import type { IssueSummary } from '../lib/shapes.js';

export const issueWriteFields = {
  body: z.string().max(65_536).optional().describe('Body in Markdown.'),
  assignees: z.array(z.string().max(100).describe('A login.')).max(10).optional().describe('Logins to assign (replaces the current assignees on update).'),
  milestone: z.number().int().positive().optional().describe('Milestone number.'),
  labels: z.array(z.string().max(100).describe('A label name.')).max(100).optional().describe('Label names (replaces the current labels on update).'),
};

/** The issue for the model; its body, written by whoever opened it, is delimited as untrusted data. */
export function issueText(i: IssueSummary, repo: string): string {
  const meta = [
    `state: ${i.state}${i.state_reason ? ` (${i.state_reason})` : ''}`,
    `author: ${i.author ?? 'ghost'}`,
    i.labels.length ? `labels: ${i.labels.join(', ')}` : '',
    i.assignees.length ? `assignees: ${i.assignees.join(', ')}` : '',
    i.milestone ? `milestone: ${i.milestone}` : '',
    `comments: ${i.comments}`,
  ].filter(Boolean);
  return `#${i.number} ${i.title}\n${meta.join('; ')}\n${i.html_url}${i.body ? `\n\n${delimitUntrusted(i.body, `github issue ${repo}#${i.number}`)}` : ''}`;
}
