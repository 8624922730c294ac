/** GitHub pagination: page/per_page in, the Link header's rel="next"/"last" out. */

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

export interface PageInfo {
  page: number;
  per_page: number;
  /** The page to ask for next, or null when this was the last one. */
  next_page: number | null;
  /** The last page when GitHub says so. */
  last_page: number | null;
}

/** Both spellings are accepted (the archived server used perPage on some tools and per_page on others). */
export function resolvePaging(args: { page?: number | undefined; perPage?: number | undefined; per_page?: number | undefined }): { page: number; per_page: number } {
  const page = Math.max(1, Math.trunc(args.page ?? 1));
  const raw = args.per_page ?? args.perPage ?? DEFAULT_PER_PAGE;
  const per_page = Math.min(MAX_PER_PAGE, Math.max(1, Math.trunc(raw)));
  return { page, per_page };
}

/** Page numbers from a Link header; URLs themselves are never followed (they could point anywhere). */
export function parseLinkHeader(link: string | undefined | null): { next: number | null; last: number | null } {
  const out = { next: null as number | null, last: null as number | null };
  if (!link) return out;
  for (const part of link.split(',')) {
    const match = /<([^>]*)>\s*;\s*rel="([^"]+)"/.exec(part.trim());
    if (!match) continue;
    const [, url, rel] = match;
    let page: number | null = null;
    try {
      const value = new URL(url!, 'http://placeholder.invalid').searchParams.get('page');
      page = value && /^\d+$/.test(value) ? Number(value) : null;
    } catch {
      page = null;
    }
    if (rel === 'next') out.next = page;
    if (rel === 'last') out.last = page;
  }
  return out;
}

export function pageInfo(page: number, per_page: number, link: string | undefined | null): PageInfo {
  const { next, last } = parseLinkHeader(link);
  return { page, per_page, next_page: next, last_page: last };
}

/** For search results, where GitHub reports total_count and caps reachable results at 1000. */
export function searchPageInfo(page: number, per_page: number, total: number, link: string | undefined | null): PageInfo {
  const fromLink = pageInfo(page, per_page, link);
  if (fromLink.next_page !== null || link) return fromLink;
  const reachable = Math.min(total, 1000);
  const last = Math.max(1, Math.ceil(reachable / per_page));
  return { page, per_page, next_page: page < last ? page + 1 : null, last_page: last };
}

/** The sentence appended to a listing that has more pages. */
export function nextPageHint(info: PageInfo): string {
  if (info.next_page === null) return '';
  const of = info.last_page ? ` of ${info.last_page}` : '';
  return `\n[Page ${info.page}${of}. More results: call again with page=${info.next_page}.]`;
}
