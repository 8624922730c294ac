import { describe, expect, it } from 'vitest';
import { compactMessage, compactPage, MAX_MESSAGE_CHARS, referencedUsers, renderMentions } from './messages.js';
import { TtlCache } from './ttl-cache.js';

describe('messages', () => {
  const names = new Map([['U0ALICE', 'alice'], ['U0BOB', 'bob']]);

  it('turns mentions into names and keeps unknown IDs', () => {
    expect(renderMentions('hi <@U0BOB> and <@U0ZED>, see <#C0RANDOM|random> <!here>', names)).toBe('hi @bob and <@U0ZED>, see #random @here');
    expect([...referencedUsers([{ user: 'U0ALICE', text: 'cc <@U0BOB|bob>' }])].sort()).toEqual(['U0ALICE', 'U0BOB']);
  });

  it('compacts a message to the fields that matter', () => {
    const c = compactMessage({ ts: '1.2', user: 'U0ALICE', text: 'x', reactions: [{ name: 'eyes', count: 2 }], files: [{}, {}], blocks: [{}] }, names);
    expect(c).toEqual({ ts: '1.2', user: 'U0ALICE', user_name: 'alice', text: 'x', reactions: [{ name: 'eyes', count: 2 }], files: 2 });
    const long = compactMessage({ ts: '1.3', text: 'y'.repeat(MAX_MESSAGE_CHARS + 10) }, names);
    expect(long.text_truncated).toBe(true);
    expect(long.text.length).toBe(MAX_MESSAGE_CHARS + 1);
  });

  it('cuts a page at the budget and says where', () => {
    const raw = [1, 2, 3].map((i) => ({ ts: `${i}.0`, text: 'z'.repeat(100) }));
    const page = compactPage(raw, names, 250);
    expect(page.messages.map((m) => m.ts)).toEqual(['1.0', '2.0']);
    expect(page.cutAfterTs).toBe('2.0');
    expect(compactPage(raw, names, 1000).cutAfterTs).toBeUndefined();
  });
});

describe('TtlCache', () => {
  it('expires entries and caps its size', () => {
    let now = 0;
    const cache = new TtlCache<string>(1000, 2, () => now);
    cache.set('a', '1');
    cache.set('b', '2');
    cache.set('c', '3');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')).toEqual({ value: '3' });
    now = 1500;
    expect(cache.get('c')).toBeUndefined();
  });
});
