import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, textOf, type Harness } from '../testing/harness.js';
import { expectNoTokenLeak } from '../testing/leaks.js';
import { bigText } from '../testing/fake-github.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  expectNoTokenLeak(h);
  await h.close();
});

const widgets = { owner: 'acme', repo: 'widgets' };

describe('get_file_contents', () => {
  it('reads a text file with its sha', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: 'README.md' });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as Record<string, unknown>;
    expect(s.type).toBe('file');
    expect(s.content).toBe('# widgets\nThe widget library.\n');
    expect(s.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(textOf(r)).toContain('The widget library.');
  });

  it('lists a directory', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: '/' });
    const s = r.structuredContent as { type: string; entries: { path: string; type: string }[] };
    expect(s.type).toBe('dir');
    expect(s.entries.map((e) => e.path)).toEqual(expect.arrayContaining(['README.md', 'src', 'docs', 'logo.png']));
    expect(s.entries.find((e) => e.path === 'src')!.type).toBe('dir');
  });

  it('URL-encodes each path segment and keeps the slashes', async () => {
    const before = h.fake.server.requests.length;
    const r = await h.call('get_file_contents', { ...widgets, path: 'docs/a b#1.md', branch: 'main' });
    expect(r.isError).toBeFalsy();
    expect((r.structuredContent as { content: string }).content).toBe('Spaces and a hash in the name.\n');
    const sent = h.fake.server.requests.slice(before).map((q) => q.url);
    expect(sent).toContain('/repos/acme/widgets/contents/docs/a%20b%231.md?ref=main');
  });

  it('returns binary files as a base64 resource block, not garbled text', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: 'logo.png' });
    expect(r.isError).toBeFalsy();
    const resource = r.content.find((b) => b.type === 'resource') as { type: 'resource'; resource: { blob: string; mimeType: string } };
    expect(resource.resource.mimeType).toBe('image/png');
    expect(Buffer.from(resource.resource.blob, 'base64')).toEqual(h.fake.fileAt('acme/widgets', 'main', 'logo.png'));
    expect((r.structuredContent as { content: unknown }).content).toBeNull();
  });

  it('strips invisible and bidirectional control characters and says how many', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: 'docs/hidden.md' });
    const s = r.structuredContent as { content: string; removed_control_characters: number };
    expect(s.content).toBe('Visible text with controls.\n');
    expect(s.removed_control_characters).toBe(4);
    expect(textOf(r)).not.toMatch(/[\u200B\u202E\u2066]/);
  });

  it('reads a text file over the contents API\'s 1 MB through the blob API, by the sha, in slices that add up to the file', async () => {
    const expected = bigText();
    const before = h.fake.server.requests.length;
    const first = await h.call('get_file_contents', { ...widgets, path: 'data/big.txt' });
    expect(first.isError).toBeFalsy();
    const s = first.structuredContent as { sha: string; size: number; content: string; next_start: number | null };
    expect(s.size).toBe(Buffer.byteLength(expected));
    expect(s.size).toBeGreaterThan(1024 * 1024);
    const sent = h.fake.server.requests.slice(before);
    const blobRequest = sent.find((q) => q.url.includes('/git/blobs/'));
    expect(blobRequest?.url).toContain(`/repos/acme/widgets/git/blobs/${s.sha}`);
    expect(blobRequest?.headers.accept).toBe('application/vnd.github.raw+json');
    let text = s.content;
    let next = s.next_start;
    for (let page = 0; next !== null && page < 40; page++) {
      const r = await h.call('get_file_contents', { ...widgets, path: 'data/big.txt', start: next });
      const more = r.structuredContent as { content: string; next_start: number | null; sha: string };
      expect(more.sha).toBe(s.sha);
      text += more.content;
      next = more.next_start;
    }
    expect(next).toBeNull();
    expect(text).toBe(expected);
  });

  it.each([
    ['a redirect to another host', { status: 302, headers: { location: 'https://elsewhere.example/blob' }, body: Buffer.from('<html>moved</html>') }, /answered HTTP 302 instead of the bytes/],
    ['a body cut short', { status: 200, headers: { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' }, body: Buffer.from('only a few bytes') }, /the 16 bytes GitHub sent for data\/big\.txt .* do not hash to its sha/],
  ])('a blob answer that is not the file (%s) is an error, never the file\'s text', async (_label, reply, said) => {
    h.fake.intercept((q) => q.url.includes('/git/blobs/'), reply, 1);
    const r = await h.call('get_file_contents', { ...widgets, path: 'data/big.txt' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(said);
    expect(textOf(r)).not.toMatch(/moved|only a few bytes/);
  });

  it('refuses a binary file over 1 MB as too large to return inline, after reading it once', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: 'data/big.bin' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/binary file of 1048594 bytes, above the 768000-byte limit/);
  });

  it('refuses a file over 10 MB without downloading it', async () => {
    const before = h.fake.server.requests.length;
    const r = await h.call('get_file_contents', { ...widgets, path: 'data/huge.txt' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/is 10485761 bytes, larger than the 10485760-byte limit/);
    expect(textOf(r)).toMatch(/clone the repository, or download it from https:\/\/raw\.githubusercontent\.com\/acme\/widgets\/main\/data\/huge\.txt/);
    expect(h.fake.server.requests.slice(before).some((q) => q.url.includes('/git/blobs/'))).toBe(false);
  });

  it('explains a 404 as not found or no access', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: 'nope.txt' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/not found, or the token has no access/);
  });

  it('refuses .. segments before asking GitHub', async () => {
    const r = await h.call('get_file_contents', { ...widgets, path: 'docs/../../etc' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/"\.\." segment/);
  });
});

describe('create_or_update_file', () => {
  it('creates a file, then updates it with the sha, and a stale sha is a 409 conflict', async () => {
    const created = await h.call('create_or_update_file', { ...widgets, path: 'notes/new file.md', content: 'v1\n', message: 'add', branch: 'develop' });
    expect(created.isError).toBeFalsy();
    const c = created.structuredContent as { sha: string; created: boolean; commit_sha: string };
    expect(c.created).toBe(true);
    expect(h.fake.fileAt('acme/widgets', 'develop', 'notes/new file.md')?.toString()).toBe('v1\n');

    const updated = await h.call('create_or_update_file', { ...widgets, path: 'notes/new file.md', content: 'v2\n', message: 'edit', branch: 'develop', sha: c.sha });
    expect((updated.structuredContent as { created: boolean }).created).toBe(false);
    expect(h.fake.fileAt('acme/widgets', 'develop', 'notes/new file.md')?.toString()).toBe('v2\n');

    const stale = await h.call('create_or_update_file', { ...widgets, path: 'notes/new file.md', content: 'v3\n', message: 'edit', branch: 'develop', sha: c.sha });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/409 Conflict/);
    expect(h.fake.fileAt('acme/widgets', 'develop', 'notes/new file.md')?.toString()).toBe('v2\n');
  });

  it('looks up the sha itself when none is given (drop-in behaviour)', async () => {
    const r = await h.call('create_or_update_file', { ...widgets, path: 'README.md', content: '# widgets v2\n', message: 'readme', branch: 'develop' });
    expect(r.isError).toBeFalsy();
    expect(h.fake.fileAt('acme/widgets', 'develop', 'README.md')?.toString()).toBe('# widgets v2\n');
  });
});

describe('push_files', () => {
  it('commits several files on top of the head with force:false', async () => {
    const head = h.fake.branchHead('acme/widgets', 'main')!;
    const before = h.fake.server.requests.length;
    const r = await h.call('push_files', { ...widgets, branch: 'main', message: 'two files', files: [{ path: 'a.txt', content: 'A' }, { path: 'dir/b.txt', content: 'B' }] });
    expect(r.isError).toBeFalsy();
    const s = r.structuredContent as { commit_sha: string; parent_sha: string };
    expect(s.parent_sha).toBe(head);
    expect(h.fake.branchHead('acme/widgets', 'main')).toBe(s.commit_sha);
    expect(h.fake.commitOf('acme/widgets', s.commit_sha)!.parents).toEqual([head]);
    expect(h.fake.fileAt('acme/widgets', 'main', 'dir/b.txt')?.toString()).toBe('B');
    expect(h.fake.fileAt('acme/widgets', 'main', 'README.md')).toBeDefined();
    const patch = h.fake.server.requests.slice(before).find((q) => q.method === 'PATCH' && q.url.includes('/git/refs/heads/main'))!;
    const body = JSON.parse(patch.body) as { force?: boolean };
    expect(body.force === false || body.force === undefined).toBe(true);
  });

  it('a branch that moved mid-push is a clear non-fast-forward error and nothing is overwritten', async () => {
    let raced = false;
    h.fake.onRequest((q) => {
      if (!raced && q.method === 'POST' && q.url.endsWith('/repos/acme/widgets/git/commits')) {
        raced = true;
        h.fake.commitFiles('acme/widgets', 'main', { 'theirs.txt': 'pushed by someone else' }, 'concurrent push');
      }
    });
    const r = await h.call('push_files', { ...widgets, branch: 'main', message: 'mine', files: [{ path: 'mine.txt', content: 'mine' }] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/not be a fast-forward/);
    expect(textOf(r)).toMatch(/Nothing was overwritten/);
    expect(h.fake.fileAt('acme/widgets', 'main', 'theirs.txt')?.toString()).toBe('pushed by someone else');
    expect(h.fake.fileAt('acme/widgets', 'main', 'mine.txt')).toBeUndefined();
    const again = await h.call('push_files', { ...widgets, branch: 'main', message: 'mine', files: [{ path: 'mine.txt', content: 'mine' }] });
    expect(again.isError).toBeFalsy();
    expect(h.fake.fileAt('acme/widgets', 'main', 'theirs.txt')).toBeDefined();
  });

  it('rejects duplicate and climbing paths without a request', async () => {
    const r = await h.call('push_files', { ...widgets, branch: 'main', message: 'x', files: [{ path: '../x', content: '' }] });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/"\.\." segment/);
  });
});

describe('branches, commits, tags', () => {
  it('create_branch starts from the real default branch', async () => {
    const repo = h.fake.repo('acme/widgets');
    repo.default_branch = 'develop';
    try {
      const r = await h.call('create_branch', { ...widgets, branch: 'from-default' });
      expect(r.isError).toBeFalsy();
      expect((r.structuredContent as { from: string }).from).toBe('develop');
      expect(h.fake.branchHead('acme/widgets', 'from-default')).toBe(h.fake.branchHead('acme/widgets', 'develop'));
    } finally {
      repo.default_branch = 'main';
    }
  });

  it('create_branch from_branch, and an existing name is a 422 naming the reason', async () => {
    const r = await h.call('create_branch', { ...widgets, branch: 'fix/typo', from_branch: 'feature' });
    expect(h.fake.branchHead('acme/widgets', 'fix/typo')).toBe(h.fake.branchHead('acme/widgets', 'feature'));
    expect(textOf(r)).toContain('fix/typo');
    const dup = await h.call('create_branch', { ...widgets, branch: 'fix/typo', from_branch: 'feature' });
    expect(dup.isError).toBe(true);
    expect(textOf(dup)).toMatch(/422 Validation Failed.*Reference already exists/);
  });

  it('list_commits pages with perPage and per_page alike', async () => {
    const a = await h.call('list_commits', { ...widgets, sha: 'feature', perPage: 1 });
    const b = await h.call('list_commits', { ...widgets, sha: 'feature', per_page: 1 });
    const sa = a.structuredContent as { commits: { message: string }[]; paging: { next_page: number | null } };
    expect(sa.commits).toHaveLength(1);
    expect(sa.commits[0]!.message).toBe('Add feature');
    expect(sa.paging.next_page).toBe(2);
    expect(b.structuredContent).toEqual(a.structuredContent);
    expect(textOf(a)).toMatch(/call again with page=2/);
    const last = await h.call('list_commits', { ...widgets, sha: 'feature', per_page: 1, page: 3 });
    expect((last.structuredContent as { paging: { next_page: number | null } }).paging.next_page).toBeNull();
  });

  it('get_commit has diff stats', async () => {
    const sha = h.fake.branchHead('acme/widgets', 'feature')!;
    const r = await h.call('get_commit', { ...widgets, sha });
    const s = r.structuredContent as { stats: { additions: number }; files: { filename: string; status: string }[] };
    expect(s.files).toEqual([expect.objectContaining({ filename: 'src/feature.ts', status: 'added' })]);
    expect(s.stats.additions).toBeGreaterThan(0);
  });

  it('list_branches and list_tags', async () => {
    const b = await h.call('list_branches', { ...widgets, per_page: 100 });
    const names = (b.structuredContent as { branches: { name: string; protected: boolean }[] }).branches;
    expect(names.map((x) => x.name)).toEqual(expect.arrayContaining(['main', 'feature', 'develop']));
    expect(names.find((x) => x.name === 'main')!.protected).toBe(true);
    const t = await h.call('list_tags', widgets);
    expect((t.structuredContent as { tags: { name: string }[] }).tags.map((x) => x.name)).toEqual(['v1.0.0']);
  });
});

describe('repositories', () => {
  it('create_repository with the archived parameter names', async () => {
    const r = await h.call('create_repository', { name: 'fresh', description: 'new', private: true, autoInit: true });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ full_name: `${h.fake.me}/fresh`, private: true, description: 'new' });
    expect(h.fake.fileAt(`${h.fake.me}/fresh`, 'main', 'README.md')).toBeDefined();
    const sent = h.fake.server.requests.find((q) => q.method === 'POST' && q.url === '/user/repos')!;
    expect(JSON.parse(sent.body)).toEqual({ name: 'fresh', description: 'new', private: true, auto_init: true });
  });

  it('fork_repository into an organization', async () => {
    const r = await h.call('fork_repository', { ...widgets, organization: 'forkers' });
    expect(r.structuredContent).toMatchObject({ full_name: 'forkers/widgets', parent: 'acme/widgets', fork: true });
  });
});
