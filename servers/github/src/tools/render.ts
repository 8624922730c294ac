/** One-line renderings for the text side of results (structuredContent carries the fields). */
import { delimitUntrusted } from '@portico/protocol';
import { firstLine } from '../lib/compact.js';
import { nextPageHint, type PageInfo } from '../lib/paging.js';
import type { CommitSummary, IssueSummary, PullSummary, ReleaseSummary, RepoSummary, WorkflowRunSummary } from '../lib/shapes.js';

export const issueLine = (i: IssueSummary) =>
  `${i.repository ? `${i.repository}` : ''}#${i.number} [${i.state}${i.is_pull_request ? ', PR' : ''}] ${i.title} (by ${i.author ?? 'ghost'}${i.labels.length ? `; labels: ${i.labels.join(', ')}` : ''}${i.comments ? `; ${i.comments} comments` : ''})`;

export const pullLine = (p: PullSummary) =>
  `#${p.number} [${p.merged ? 'merged' : p.state}${p.draft ? ', draft' : ''}] ${p.title} (${p.head.ref} -> ${p.base.ref}, by ${p.author ?? 'ghost'})`;

export const repoLine = (r: RepoSummary) =>
  `${r.full_name}${r.private ? ' (private)' : ''}${r.archived ? ' (archived)' : ''}: ${r.description ?? 'no description'} [${r.stars} stars${r.language ? `, ${r.language}` : ''}]`;

export const commitLine = (c: CommitSummary) => `${c.sha.slice(0, 7)} ${firstLine(c.message)} (${c.author_login ?? c.author_name ?? 'unknown'}, ${c.date ?? '?'})`;

export const releaseLine = (r: ReleaseSummary) => `${r.tag_name}${r.name && r.name !== r.tag_name ? ` "${r.name}"` : ''}${r.draft ? ' [draft]' : ''}${r.prerelease ? ' [pre-release]' : ''} ${r.published_at ?? ''}`.trimEnd();

export const runLine = (r: WorkflowRunSummary) => `run ${r.id} ${r.name ?? ''} #${r.run_number} [${r.status}${r.conclusion ? `/${r.conclusion}` : ''}] ${r.event} on ${r.branch ?? '?'} (${r.head_sha.slice(0, 7)}): ${r.title ?? ''}`;

/** A listing: header, one line per item (or a "none" sentence), and the next-page hint. */
export function listing(header: string, lines: string[], paging: PageInfo, none = 'None found.'): string {
  return `${header}\n${lines.length ? lines.join('\n') : none}${nextPageHint(paging)}`;
}

/**
 * Lines written by others (comments, reviews, commit messages) as one untrusted block for a listing: a
 * single pair of delimiters per page keeps the data marked without repeating the preamble per item. No
 * lines, no block, so the listing says its "none" sentence.
 */
export function untrustedBlock(lines: string[], source: string): string[] {
  return lines.length ? [delimitUntrusted(lines.join('\n'), source)] : [];
}
