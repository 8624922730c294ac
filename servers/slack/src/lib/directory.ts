/**
 * Names for IDs: user and channel names, cached with a TTL so that turning `<@U123>` into `@alice` in a page
 * of messages costs at most one users.info per new user, not one per message.
 */
import type { SlackApi } from './slack-api.js';
import { TtlCache } from './ttl-cache.js';

export interface SlackUserLike {
  id?: string;
  name?: string;
  real_name?: string;
  profile?: { display_name?: string; real_name?: string };
}

/** Most users.info lookups one call may trigger; the rest keep their IDs. */
const MAX_LOOKUPS_PER_CALL = 40;
const LOOKUP_CONCURRENCY = 4;

export class Directory {
  private readonly users: TtlCache<string | null>;
  private readonly channels: TtlCache<string>;

  constructor(
    private readonly api: SlackApi,
    options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {
    const ttl = options.ttlMs ?? 15 * 60_000;
    this.users = new TtlCache(ttl, options.maxEntries ?? 10_000, options.now);
    this.channels = new TtlCache(ttl, options.maxEntries ?? 10_000, options.now);
  }

  rememberUser(user: SlackUserLike): void {
    if (user.id) this.users.set(user.id, displayName(user));
  }

  rememberChannel(id: string, name: string | undefined): void {
    if (name) this.channels.set(id, name);
  }

  channelName(id: string): string | undefined {
    return this.channels.get(id)?.value;
  }

  /** Names for the given user IDs (cached, else users.info); unknown or failed lookups are simply absent. */
  async userNames(ids: Iterable<string>, signal?: AbortSignal): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const cached = this.users.get(id);
      if (cached) {
        if (cached.value) names.set(id, cached.value);
      } else if (missing.length < MAX_LOOKUPS_PER_CALL) {
        missing.push(id);
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < missing.length) {
        const id = missing[next++]!;
        try {
          const result = await this.api.call('users.info', { user: id }, signal ? { signal } : {});
          const user = result.user as SlackUserLike | undefined;
          const name = user ? displayName(user) : null;
          this.users.set(id, name);
          if (name) names.set(id, name);
        } catch {
          // Names are a convenience: a missing scope or deleted user leaves the ID in place. Cache the miss
          // so a page full of one unknown user does not ask Slack again and again.
          this.users.set(id, null);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, missing.length) }, worker));
    return names;
  }
}

export function displayName(user: SlackUserLike): string | null {
  return user.profile?.display_name || user.real_name || user.profile?.real_name || user.name || null;
}
