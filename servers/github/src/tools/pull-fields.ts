/** Shared by the pull request tools. */
import { delimitUntrusted } from '@portico/protocol';
import type { PullSummary } from '../lib/shapes.js';
import { numberField, ownerField, repoField } from './shared.js';

export const pullRefFields = { owner: ownerField, repo: repoField, pull_number: numberField('Pull request') };

/** The pull request for the model; its description is delimited as untrusted data. */
export function pullText(p: PullSummary, repo: string): string {
  const meta = [
    `state: ${p.merged ? 'merged' : p.state}${p.draft ? ' (draft)' : ''}`,
    `${p.head.ref} -> ${p.base.ref}`,
    `author: ${p.author ?? 'ghost'}`,
    p.mergeable === null ? '' : `mergeable: ${p.mergeable}${p.mergeable_state ? ` (${p.mergeable_state})` : ''}`,
    p.changed_files === null ? '' : `${p.commits} commit(s), ${p.changed_files} file(s), +${p.additions} -${p.deletions}`,
    p.labels.length ? `labels: ${p.labels.join(', ')}` : '',
    p.requested_reviewers.length ? `review requested from: ${p.requested_reviewers.join(', ')}` : '',
  ].filter(Boolean);
  return `#${p.number} ${p.title}\n${meta.join('; ')}\nhead sha: ${p.head.sha}\n${p.html_url}${p.body ? `\n\n${delimitUntrusted(p.body, `github pull request ${repo}#${p.number}`)}` : ''}`;
}
