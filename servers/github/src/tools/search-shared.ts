/** Fields and wording shared by the four search tools. */
import { z } from '@portico/protocol';
import type { SearchPage } from '../lib/search.js';
import { pageShape } from '../lib/shapes.js';
import { listing } from './render.js';

export const orderField = z.enum(['asc', 'desc']).optional().describe('Sort direction (default desc); only with sort.');

export const searchMeta = {
  total_count: z.number().describe('Matches GitHub found (before any GITHUB_REPOSITORIES filtering).'),
  incomplete_results: z.boolean().describe('True when GitHub timed out and the results may be partial.'),
  hidden_outside_allowlist: z.number().describe('Results on this page dropped because their repository is outside GITHUB_REPOSITORIES.'),
  paging: pageShape,
};

export function searchText<T>(what: string, q: string, page: SearchPage<T>, line: (item: T) => string): string {
  const hidden = page.hidden_outside_allowlist ? `\n[${page.hidden_outside_allowlist} result(s) outside GITHUB_REPOSITORIES were left out.]` : '';
  const partial = page.incomplete_results ? '\n[GitHub timed out: results may be incomplete.]' : '';
  return `${listing(`${page.total_count} ${what} match "${q}":`, page.items.map(line), page.paging)}${hidden}${partial}`;
}
