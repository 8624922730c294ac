/** Users: the compact shape and lookup by name or email. */
import { displayName, type Directory } from './directory.js';
import type { SlackApi } from './slack-api.js';

export interface RawUser {
  id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_app_user?: boolean;
  is_admin?: boolean;
  tz?: string;
  profile?: { display_name?: string; real_name?: string; title?: string; email?: string; status_text?: string; status_emoji?: string };
}

export interface CompactUser {
  id: string;
  name: string;
  display_name?: string;
  real_name?: string;
  title?: string;
  email?: string;
  tz?: string;
  is_bot: boolean;
  deleted: boolean;
}

export function compactUser(u: RawUser): CompactUser {
  const out: CompactUser = { id: u.id ?? '', name: u.name ?? '', is_bot: u.is_bot === true || u.is_app_user === true, deleted: u.deleted === true };
  const display = u.profile?.display_name?.trim();
  if (display) out.display_name = display;
  const real = (u.real_name ?? u.profile?.real_name)?.trim();
  if (real) out.real_name = real;
  if (u.profile?.title?.trim()) out.title = u.profile.title.trim();
  if (u.profile?.email) out.email = u.profile.email;
  if (u.tz) out.tz = u.tz;
  return out;
}

export function userLabel(u: CompactUser): string {
  return displayName({ name: u.name, ...(u.real_name ? { real_name: u.real_name } : {}), profile: { ...(u.display_name ? { display_name: u.display_name } : {}) } }) ?? u.id;
}

/** Most users.list pages (200 each) a name search reads before saying it stopped. */
export const FIND_USER_MAX_PAGES = 10;

export interface FindUserResult {
  matches: CompactUser[];
  incomplete: boolean;
}

interface Ctx {
  api: SlackApi;
  directory: Directory;
  signal?: AbortSignal;
}

/** By email (users.lookupByEmail) when the query has an @ inside, else by name over users.list. */
export async function findUsers(ctx: Ctx, query: string): Promise<FindUserResult> {
  const q = query.trim();
  const callOpts = ctx.signal ? { signal: ctx.signal } : {};
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(q)) {
    try {
      const result = await ctx.api.call('users.lookupByEmail', { email: q }, callOpts);
      const user = result.user as RawUser;
      ctx.directory.rememberUser(user);
      return { matches: [compactUser(user)], incomplete: false };
    } catch (error) {
      if ((error as { code?: string }).code === 'users_not_found') return { matches: [], incomplete: false };
      throw error;
    }
  }
  const wanted = q.replace(/^@/, '').toLowerCase();
  const matches: CompactUser[] = [];
  let cursor: string | undefined;
  let incomplete = false;
  for (let page = 0; ; page += 1) {
    if (page >= FIND_USER_MAX_PAGES) {
      incomplete = true;
      break;
    }
    const result = await ctx.api.call('users.list', { limit: 200, team_id: ctx.api.teamId, ...(cursor ? { cursor } : {}) }, callOpts);
    for (const raw of (result.members as RawUser[] | undefined) ?? []) {
      ctx.directory.rememberUser(raw);
      const u = compactUser(raw);
      const names = [u.name, u.display_name, u.real_name].filter(Boolean).map((s) => s!.toLowerCase());
      if (names.some((n) => n === wanted || n.includes(wanted))) matches.push(u);
    }
    const next = result.response_metadata?.next_cursor;
    if (!next) break;
    cursor = next;
  }
  const exact = (u: CompactUser) => [u.name, u.display_name, u.real_name].some((n) => n?.toLowerCase() === wanted);
  matches.sort((a, b) => Number(exact(b)) - Number(exact(a)) || Number(a.deleted) - Number(b.deleted));
  return { matches: matches.slice(0, 20), incomplete };
}
