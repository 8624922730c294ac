/**
 * A fake GitHub REST API on loopback, for tests only (excluded from the build). Responses are built from the
 * @octokit/fixtures recordings (repository, issue, user, file, ref, release, status, search and 422 shapes)
 * and, for endpoints the recordings do not cover (pulls, check runs, Actions, git data), GitHub's documented
 * response shapes. Behind it is a tiny in-memory git host (blobs, flat trees, commits, refs), so writes are
 * real state changes that later reads see: push_files' tree/commit/ref dance and its fast-forward check run
 * against it for real.
 *
 * Every request must carry the configured token (`Authorization: token <PAT>`), or it gets GitHub's 401.
 * Requests are recorded (startLoopbackServer), and interceptors let a test answer one request differently
 * (rate limits, missing scopes, 5xx).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { startLoopbackServer, type LoopbackServer, type RecordedRequest } from '@portico/test-utils';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const fixturesDir = join(dirname(createRequire(import.meta.url).resolve('@octokit/fixtures')), 'scenarios', 'api.github.com');

const fixtureCache = new Map<string, Json[]>();
function fixtureEntries(scenario: string): Json[] {
  let entries = fixtureCache.get(scenario);
  if (!entries) {
    entries = JSON.parse(readFileSync(join(fixturesDir, scenario, 'normalized-fixture.json'), 'utf8')) as Json[];
    fixtureCache.set(scenario, entries);
  }
  return entries;
}

/** The recorded response of one request in an @octokit/fixtures scenario (a deep copy). */
export function fixtureResponse(scenario: string, index = 0): Json {
  const entry = fixtureEntries(scenario)[index];
  if (!entry) throw new Error(`fixture ${scenario}#${index} does not exist`);
  return structuredClone(entry.response) as Json;
}

/** The recorded response headers (rate-limit, scopes) of one fixture request. */
export function fixtureHeaders(scenario: string, index = 0): Record<string, string> {
  return Object.fromEntries(Object.entries(fixtureEntries(scenario)[index]!.headers as Json).map(([k, v]) => [k, String(v)]));
}

export interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer (a hung GitHub); the connection is dropped when the fake closes. */
  hang?: boolean;
  /** Send the status, the headers and the first half of the body, then nothing more (a stalled answer). */
  stallBody?: boolean;
}

export interface Interceptor {
  match(req: RecordedRequest): boolean;
  reply: FakeReply | ((req: RecordedRequest) => FakeReply);
  /** How many requests it answers; Infinity for all. */
  times: number;
}

interface Commit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  date: string;
  author: string;
}

interface FakeRepo {
  owner: string;
  name: string;
  id: number;
  private: boolean;
  description: string | null;
  default_branch: string;
  fork: boolean;
  refs: Map<string, string>; // "heads/main" -> commit sha, "tags/v1" -> commit sha
  issues: Json[];
  comments: Map<number, Json[]>;
  pulls: Json[];
  reviews: Map<number, Json[]>;
  reviewComments: Map<number, Json[]>;
  pullFiles: Map<number, Json[]>;
  statuses: Map<string, Json[]>;
  checkRuns: Map<string, Json[]>;
  releases: Json[];
  runs: Json[];
  jobs: Map<number, Json[]>; // run id -> jobs
  logs: Map<number, string>; // job id -> log text
}

export interface FakeGitHub {
  url: string;
  server: LoopbackServer;
  /** The second loopback origin that serves job logs (like GitHub's blob storage). */
  logServer: LoopbackServer;
  me: string;
  intercept(match: (req: RecordedRequest) => boolean, reply: Interceptor['reply'], times?: number): void;
  /** Called before each authenticated request is handled (e.g. to move a branch mid-push). */
  onRequest(fn: (req: RecordedRequest) => void): void;
  repo(fullName: string): FakeRepo;
  /** Commits files on a branch as someone else would (a push the server did not make). */
  commitFiles(fullName: string, branch: string, files: Record<string, string | Buffer>, message: string): string;
  branchHead(fullName: string, branch: string): string | undefined;
  fileAt(fullName: string, branch: string, path: string): Buffer | undefined;
  commitOf(fullName: string, sha: string): Commit | undefined;
  /** Requests whose path touches /repos/{owner}/{repo} for this full name. */
  requestsFor(fullName: string): RecordedRequest[];
  close(): Promise<void>;
}

export interface FakeGitHubOptions {
  token: string;
  /** X-OAuth-Scopes the fake reports for the token. */
  scopes?: string;
}

const NOW = '2025-06-01T12:00:00Z';
const TEXT_HEADERS = { 'content-type': 'text/plain; charset=utf-8' };

export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const interceptors: Interceptor[] = [];
  const listeners: ((req: RecordedRequest) => void)[] = [];
  const blobs = new Map<string, Buffer>();
  const trees = new Map<string, Map<string, string>>(); // tree sha -> path -> blob sha
  const commits = new Map<string, Commit>();
  const repos = new Map<string, FakeRepo>();
  let nextId = 5000;
  let commitCounter = 0;
  const me = 'octokit-fixture-user-a';
  const scopes = options.scopes ?? 'repo, user, workflow';
  const logServer = await startLoopbackServer((req, res) => {
    const match = /^\/logs\/(\d+)/.exec(req.url);
    const job = match ? findJobLog(Number(match[1])) : undefined;
    if (!job) {
      res.writeHead(404, TEXT_HEADERS).end('no such log');
      return;
    }
    res.writeHead(200, TEXT_HEADERS).end(job);
  });
  let base = 'http://127.0.0.1'; // replaced once the server listens

  function findJobLog(jobId: number): string | undefined {
    for (const r of repos.values()) if (r.logs.has(jobId)) return r.logs.get(jobId);
    return undefined;
  }

  // ---- the tiny git host -------------------------------------------------------------------------------
  function putBlob(content: Buffer): string {
    const sha = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
    blobs.set(sha, content);
    return sha;
  }
  function putTree(entries: Map<string, string>): string {
    const sha = createHash('sha1').update(`tree ${JSON.stringify([...entries].sort())}`).digest('hex');
    trees.set(sha, entries);
    return sha;
  }
  function putCommit(tree: string, parents: string[], message: string, author = me): string {
    commitCounter += 1;
    const sha = createHash('sha1').update(`commit ${tree} ${parents.join(',')} ${message} ${commitCounter}`).digest('hex');
    commits.set(sha, { sha, tree, parents, message, date: NOW, author });
    return sha;
  }
  function treeOfBranch(r: FakeRepo, branch: string): Map<string, string> | undefined {
    const head = r.refs.get(`heads/${branch}`);
    if (!head) return undefined;
    return trees.get(commits.get(head)!.tree);
  }
  function commitFiles(fullName: string, branch: string, files: Record<string, string | Buffer>, message: string, author = 'someone-else'): string {
    const r = repos.get(fullName.toLowerCase())!;
    const head = r.refs.get(`heads/${branch}`);
    const entries = new Map(head ? trees.get(commits.get(head)!.tree) : []);
    for (const [path, content] of Object.entries(files)) entries.set(path, putBlob(Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8')));
    const sha = putCommit(putTree(entries), head ? [head] : [], message, author);
    r.refs.set(`heads/${branch}`, sha);
    return sha;
  }
  function isAncestor(ancestor: string, sha: string): boolean {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length > 0 && seen.size < 10_000) {
      const current = queue.shift()!;
      if (current === ancestor) return true;
      if (seen.has(current)) continue;
      seen.add(current);
      queue.push(...(commits.get(current)?.parents ?? []));
    }
    return false;
  }

  // ---- response shapes ---------------------------------------------------------------------------------
  const userTemplate = fixtureResponse('paginate-issues')[0].user as Json;
  function user(login: string, type = 'User'): Json {
    const u = structuredClone(userTemplate);
    for (const [k, v] of Object.entries(u)) if (typeof v === 'string') u[k] = v.replaceAll('octokit-fixture-user-a', login);
    u.login = login;
    u.type = type;
    return u;
  }
  function retarget<T>(value: T, from: string, to: string): T {
    return JSON.parse(JSON.stringify(value).replaceAll(from, to).replaceAll('https://api.github.com', base)) as T;
  }
  function repoJson(r: FakeRepo): Json {
    const template = retarget(fixtureResponse('get-repository'), 'octokit-fixture-org/hello-world', `${r.owner}/${r.name}`);
    return {
      ...template,
      id: r.id,
      name: r.name,
      full_name: `${r.owner}/${r.name}`,
      private: r.private,
      visibility: r.private ? 'private' : 'public',
      description: r.description,
      fork: r.fork,
      default_branch: r.default_branch,
      owner: user(r.owner, r.owner === me ? 'User' : 'Organization'),
      language: 'TypeScript',
      stargazers_count: 42,
      forks_count: 3,
      open_issues_count: r.issues.filter((i) => i.state === 'open').length,
      updated_at: NOW,
    };
  }
  const issueTemplate = fixtureResponse('paginate-issues')[0] as Json;
  function issueJson(r: FakeRepo, number: number, fields: Json): Json {
    const t = retarget(structuredClone(issueTemplate), 'octokit-fixture-org/paginate-issues', `${r.owner}/${r.name}`);
    for (const k of ['url', 'labels_url', 'comments_url', 'events_url', 'html_url', 'timeline_url']) t[k] = String(t[k]).replace(/\/issues\/13/, `/issues/${number}`);
    return { ...t, id: nextId++, number, user: user(me), labels: [], assignees: [], assignee: null, milestone: null, comments: 0, state: 'open', state_reason: null, closed_at: null, created_at: NOW, updated_at: NOW, body: null, ...fields };
  }
  function contentEntry(r: FakeRepo, path: string, type: 'file' | 'dir', sha: string, size: number, branch: string): Json {
    const template = retarget(fixtureResponse('get-content')[0], 'octokit-fixture-org/hello-world', `${r.owner}/${r.name}`) as Json;
    return {
      ...template,
      name: path.split('/').pop(),
      path,
      sha,
      size,
      type,
      url: `${base}/repos/${r.owner}/${r.name}/contents/${path}?ref=${branch}`,
      html_url: `https://github.com/${r.owner}/${r.name}/blob/${branch}/${path}`,
      download_url: type === 'file' ? `https://raw.githubusercontent.com/${r.owner}/${r.name}/${branch}/${path}` : null,
    };
  }
  function commitJson(r: FakeRepo, c: Commit, withFiles: boolean): Json {
    const out: Json = {
      sha: c.sha,
      node_id: 'MDA6RW50aXR5MQ==',
      commit: { message: c.message, author: { name: c.author, email: `${c.author}@users.noreply.github.com`, date: c.date }, committer: { name: c.author, email: `${c.author}@users.noreply.github.com`, date: c.date }, tree: { sha: c.tree } },
      author: user(c.author),
      committer: user(c.author),
      parents: c.parents.map((sha) => ({ sha, url: `${base}/repos/${r.owner}/${r.name}/commits/${sha}` })),
      html_url: `https://github.com/${r.owner}/${r.name}/commit/${c.sha}`,
      url: `${base}/repos/${r.owner}/${r.name}/commits/${c.sha}`,
    };
    if (withFiles) {
      const now = trees.get(c.tree)!;
      const before = c.parents[0] ? trees.get(commits.get(c.parents[0])!.tree)! : new Map<string, string>();
      const files: Json[] = [];
      for (const [path, sha] of now) {
        if (before.get(path) === sha) continue;
        const lines = blobs.get(sha)!.toString('utf8').split('\n').length;
        files.push({ filename: path, status: before.has(path) ? 'modified' : 'added', additions: lines, deletions: before.has(path) ? 1 : 0, changes: lines + (before.has(path) ? 1 : 0), sha });
      }
      for (const path of before.keys()) if (!now.has(path)) files.push({ filename: path, status: 'removed', additions: 0, deletions: 1, changes: 1 });
      const additions = files.reduce((n, f) => n + f.additions, 0);
      const deletions = files.reduce((n, f) => n + f.deletions, 0);
      out.stats = { additions, deletions, total: additions + deletions };
      out.files = files;
    }
    return out;
  }
  function releaseJson(r: FakeRepo, id: number, fields: Json): Json {
    const template = retarget(fixtureResponse('release-assets'), 'octokit-fixture-org/release-assets', `${r.owner}/${r.name}`);
    return { ...template, id, author: user(me), assets: [], created_at: NOW, published_at: NOW, ...fields };
  }
  function pullJson(r: FakeRepo, number: number, fields: Json): Json {
    return {
      url: `${base}/repos/${r.owner}/${r.name}/pulls/${number}`,
      id: nextId++,
      number,
      state: 'open',
      locked: false,
      title: '',
      user: user(me),
      body: null,
      labels: [],
      requested_reviewers: [],
      draft: false,
      merged: false,
      mergeable: true,
      mergeable_state: 'clean',
      merged_at: null,
      created_at: NOW,
      updated_at: NOW,
      html_url: `https://github.com/${r.owner}/${r.name}/pull/${number}`,
      comments: 0,
      review_comments: 0,
      commits: 1,
      additions: 3,
      deletions: 1,
      changed_files: 1,
      ...fields,
    };
  }
  function side(r: FakeRepo, ref: string): Json {
    return { label: `${r.owner}:${ref}`, ref, sha: r.refs.get(`heads/${ref}`) ?? '0'.repeat(40), user: user(r.owner), repo: repoJson(r) };
  }

  // ---- seed data ---------------------------------------------------------------------------------------
  function addRepo(owner: string, name: string, extra: Partial<FakeRepo> = {}): FakeRepo {
    const r: FakeRepo = {
      owner, name, id: nextId++, private: false, description: null, default_branch: 'main', fork: false,
      refs: new Map(), issues: [], comments: new Map(), pulls: [], reviews: new Map(), reviewComments: new Map(), pullFiles: new Map(),
      statuses: new Map(), checkRuns: new Map(), releases: [], runs: [], jobs: new Map(), logs: new Map(), ...extra,
    };
    repos.set(`${owner}/${name}`.toLowerCase(), r);
    return r;
  }

  // ---- HTTP plumbing -----------------------------------------------------------------------------------
  function standardHeaders(extra: Record<string, string> = {}): Record<string, string> {
    const recorded = fixtureHeaders('get-repository');
    return {
      'x-github-media-type': recorded['x-github-media-type']!,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
      'x-oauth-scopes': scopes,
      'x-accepted-oauth-scopes': '',
      ...extra,
    };
  }
  function send(res: ServerResponse, reply: FakeReply): void {
    if (reply.hang) return;
    const headers = standardHeaders(reply.headers);
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    if (Buffer.isBuffer(reply.body)) {
      res.writeHead(reply.status, { 'content-length': String(reply.body.length), ...headers }).end(reply.body);
      return;
    }
    if (typeof reply.body === 'string' && !(headers['content-type'] ?? '').includes('json')) {
      res.writeHead(reply.status, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(reply.body);
      return;
    }
    const text = JSON.stringify(reply.body);
    if (reply.stallBody) {
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), ...headers });
      res.write(text.slice(0, text.length >> 1));
      return;
    }
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(text);
  }
  const notFound = (): FakeReply => ({ status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
  const validation = (message: string, errors: Json[] = []): FakeReply => ({ status: 422, body: { message, errors, documentation_url: 'https://docs.github.com/rest' } });

  function paginate(req: URL, path: string, items: unknown[]): FakeReply {
    const page = Math.max(1, Number(req.searchParams.get('page') ?? '1'));
    const perPage = Math.min(100, Math.max(1, Number(req.searchParams.get('per_page') ?? '30')));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const links: string[] = [];
    const link = (p: number, rel: string) => {
      const u = new URL(`${base}${path}`);
      for (const [k, v] of req.searchParams) u.searchParams.set(k, v);
      u.searchParams.set('per_page', String(perPage));
      u.searchParams.set('page', String(p));
      links.push(`<${u.href}>; rel="${rel}"`);
    };
    if (page < last) {
      link(page + 1, 'next');
      link(last, 'last');
    }
    if (page > 1) {
      link(page - 1, 'prev');
      link(1, 'first');
    }
    return { status: 200, body: slice, headers: links.length ? { link: links.join(', ') } : {} };
  }

  function body(req: RecordedRequest): Json {
    try {
      return req.body ? (JSON.parse(req.body) as Json) : {};
    } catch {
      return {};
    }
  }

  /** One page of a list wrapped in an object (no Link header), as per_page/page ask (GitHub: default 30, max 100). */
  function pageOf<T>(url: URL, items: T[]): T[] {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    return items.slice((page - 1) * perPage, page * perPage);
  }

  function searchTerms(q: string): { words: string[]; repo?: string; type?: string } {
    const words: string[] = [];
    let repo: string | undefined;
    let type: string | undefined;
    for (const part of q.split(/\s+/).filter(Boolean)) {
      if (part.startsWith('repo:')) repo = part.slice(5).toLowerCase();
      else if (part.startsWith('is:') || part.startsWith('type:')) type = part.split(':')[1];
      else if (!part.includes(':')) words.push(part.toLowerCase());
    }
    return { words, ...(repo ? { repo } : {}), ...(type ? { type } : {}) };
  }

  function searchReply(url: URL, items: Json[]): FakeReply {
    const wrapper = fixtureResponse('search-issues');
    const paged = paginate(url, url.pathname, items);
    return { status: 200, body: { ...wrapper, total_count: items.length, incomplete_results: false, items: paged.body }, headers: { ...paged.headers, 'x-ratelimit-resource': 'search' } };
  }

  // ---- routes ------------------------------------------------------------------------------------------
  function route(req: RecordedRequest): FakeReply {
    const url = new URL(req.url, base);
    const segments = url.pathname.split('/').filter(Boolean).map((s) => decodeURIComponent(s));
    const m = req.method;

    if (m === 'GET' && url.pathname === '/user') {
      return { status: 200, body: { ...user(me), name: 'Fixture User A', company: null, location: null, public_repos: 3 } };
    }
    if (m === 'POST' && url.pathname === '/user/repos') {
      const b = body(req);
      if (!b.name) return validation('Validation Failed', [{ resource: 'Repository', code: 'missing_field', field: 'name' }]);
      if (repos.has(`${me}/${b.name}`.toLowerCase())) return validation('Repository creation failed.', [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }]);
      const r = addRepo(me, String(b.name), { private: b.private === true, description: b.description ?? null });
      if (b.auto_init) commitFiles(`${me}/${b.name}`, 'main', { 'README.md': `# ${b.name}\n` }, 'Initial commit', me);
      return { status: 201, body: repoJson(r) };
    }
    if (m === 'GET' && segments[0] === 'search') return searchRoute(segments[1], url);
    if (segments[0] !== 'repos' || segments.length < 3) return notFound();

    const r = repos.get(`${segments[1]}/${segments[2]}`.toLowerCase());
    if (!r) return notFound();
    const rest = segments.slice(3);
    const full = `${r.owner}/${r.name}`;
    const at = (i: number) => rest[i];

    if (rest.length === 0 && m === 'GET') return { status: 200, body: repoJson(r) };

    // contents
    if (at(0) === 'contents') {
      const path = rest.slice(1).join('/');
      const branch = url.searchParams.get('ref') ?? r.default_branch;
      if (m === 'GET') {
        const tree = treeOfBranch(r, branch);
        if (!tree) return notFound();
        const blobSha = tree.get(path);
        if (blobSha) {
          const content = blobs.get(blobSha)!;
          const entry = contentEntry(r, path, 'file', blobSha, content.length, branch);
          if (content.length > 1024 * 1024) return { status: 200, body: { ...entry, content: '', encoding: 'none' } };
          return { status: 200, body: { ...entry, content: content.toString('base64').replace(/(.{60})/g, '$1\n'), encoding: 'base64' } };
        }
        const prefix = path ? `${path}/` : '';
        const children = new Map<string, Json>();
        for (const [p, sha] of tree) {
          if (!p.startsWith(prefix)) continue;
          const restPath = p.slice(prefix.length);
          const [first, ...more] = restPath.split('/');
          const childPath = `${prefix}${first}`;
          if (!children.has(childPath)) children.set(childPath, more.length ? contentEntry(r, childPath, 'dir', '0'.repeat(40), 0, branch) : contentEntry(r, childPath, 'file', sha, blobs.get(sha)!.length, branch));
        }
        if (children.size === 0) return notFound();
        return { status: 200, body: [...children.values()] };
      }
      if (m === 'PUT') {
        const b = body(req);
        const target = b.branch ?? r.default_branch;
        const tree = treeOfBranch(r, target);
        if (!tree) return { status: 404, body: { message: `Branch ${target} not found`, documentation_url: 'https://docs.github.com/rest' } };
        const existing = tree.get(path);
        if (existing && !b.sha) return validation('Invalid request.\n\n"sha" wasn\'t supplied.', [{ resource: 'File', field: 'sha', code: 'missing_field' }]);
        if (existing && b.sha !== existing) return { status: 409, body: { message: `${path} does not match ${b.sha}`, documentation_url: 'https://docs.github.com/rest' } };
        const sha = commitFiles(full, target, { [path]: Buffer.from(String(b.content), 'base64') }, String(b.message), me);
        const template = retarget(fixtureResponse('create-file'), 'octokit-fixture-org/create-file', full);
        const blobSha = treeOfBranch(r, target)!.get(path)!;
        return {
          status: existing ? 200 : 201,
          body: { content: { ...template.content, ...contentEntry(r, path, 'file', blobSha, blobs.get(blobSha)!.length, target) }, commit: { ...template.commit, sha, html_url: `https://github.com/${full}/commit/${sha}`, message: b.message } },
        };
      }
    }

    // git data
    if (at(0) === 'git') {
      if (m === 'GET' && at(1) === 'ref') {
        const ref = rest.slice(2).join('/');
        const sha = r.refs.get(ref);
        if (!sha) return notFound();
        const template = retarget(fixtureResponse('git-refs', 1), 'octokit-fixture-org/git-refs', full) as Json;
        return { status: 200, body: { ...template, ref: `refs/${ref}`, object: { ...template.object, sha } } };
      }
      if (m === 'POST' && at(1) === 'refs') {
        const b = body(req);
        const ref = String(b.ref ?? '').replace(/^refs\//, '');
        if (!ref.startsWith('heads/') && !ref.startsWith('tags/')) return validation('Reference name must start with \'refs/\' and have at least two slashes.');
        if (r.refs.has(ref)) return validation('Reference already exists');
        if (!commits.has(String(b.sha))) return validation('Object does not exist');
        r.refs.set(ref, String(b.sha));
        const template = retarget(fixtureResponse('git-refs', 1), 'octokit-fixture-org/git-refs', full) as Json;
        return { status: 201, body: { ...template, ref: `refs/${ref}`, object: { ...template.object, sha: b.sha } } };
      }
      if (m === 'PATCH' && at(1) === 'refs') {
        const ref = rest.slice(2).join('/');
        const b = body(req);
        const current = r.refs.get(ref);
        if (!current) return validation('Reference does not exist');
        if (!commits.has(String(b.sha))) return validation('Object does not exist');
        if (b.force !== true && !isAncestor(current, String(b.sha))) return validation('Update is not a fast forward');
        r.refs.set(ref, String(b.sha));
        const template = retarget(fixtureResponse('git-refs', 2), 'octokit-fixture-org/git-refs', full) as Json;
        return { status: 200, body: { ...template, ref: `refs/${ref}`, object: { ...template.object, sha: b.sha } } };
      }
      if (m === 'GET' && at(1) === 'blobs' && at(2)) {
        // Documented: up to 100 MB; with a raw media type in Accept, the bytes themselves. Live, github.com labels
        // them `application/vnd.github.raw+json; charset=utf-8` whatever they are (binary too).
        const blob = blobs.get(at(2)!);
        if (!blob) return notFound();
        if (String(req.headers.accept ?? '').includes('raw')) {
          return { status: 200, body: blob, headers: { 'content-type': 'application/vnd.github.raw+json; charset=utf-8' } };
        }
        return { status: 200, body: { sha: at(2), node_id: 'MDQ6QmxvYjE=', size: blob.length, url: `${base}/repos/${full}/git/blobs/${at(2)}`, content: blob.toString('base64').replace(/(.{60})/g, '$1\n'), encoding: 'base64' } };
      }
      if (m === 'GET' && at(1) === 'commits' && at(2)) {
        const c = commits.get(at(2)!);
        if (!c) return notFound();
        return { status: 200, body: { sha: c.sha, tree: { sha: c.tree }, parents: c.parents.map((sha) => ({ sha })), message: c.message, author: { name: c.author, date: c.date } } };
      }
      if (m === 'POST' && at(1) === 'trees') {
        const b = body(req);
        const baseTree = b.base_tree ? trees.get(String(b.base_tree)) : new Map<string, string>();
        if (!baseTree) return validation('Invalid tree info', [{ resource: 'Tree', field: 'base_tree', code: 'invalid' }]);
        const entries = new Map(baseTree);
        for (const item of (b.tree ?? []) as Json[]) {
          if (typeof item.content === 'string') entries.set(String(item.path), putBlob(Buffer.from(item.content, 'utf8')));
          else if (item.sha && blobs.has(String(item.sha))) entries.set(String(item.path), String(item.sha));
          else if (item.sha === null) entries.delete(String(item.path));
          else return validation('Invalid tree info', [{ resource: 'Tree', field: 'tree', code: 'invalid' }]);
        }
        const sha = putTree(entries);
        return { status: 201, body: { sha, url: `${base}/repos/${full}/git/trees/${sha}`, truncated: false, tree: [...entries].map(([path, s]) => ({ path, mode: '100644', type: 'blob', sha: s })) } };
      }
      if (m === 'POST' && at(1) === 'commits') {
        const b = body(req);
        if (!trees.has(String(b.tree))) return validation('Tree SHA does not exist');
        const parents = (b.parents ?? []) as string[];
        if (parents.some((p) => !commits.has(p))) return validation('Parent SHA does not exist');
        const sha = putCommit(String(b.tree), parents, String(b.message ?? ''));
        return { status: 201, body: { sha, html_url: `https://github.com/${full}/commit/${sha}`, message: b.message, tree: { sha: b.tree }, parents: parents.map((p) => ({ sha: p })) } };
      }
    }

    if (m === 'GET' && at(0) === 'commits' && rest.length === 1) {
      const start = url.searchParams.get('sha') ?? r.default_branch;
      let sha = r.refs.get(`heads/${start}`) ?? (commits.has(start) ? start : undefined);
      if (!sha) return notFound();
      const list: Json[] = [];
      while (sha && list.length < 500) {
        const c: Commit = commits.get(sha)!;
        list.push(commitJson(r, c, false));
        sha = c.parents[0];
      }
      return paginate(url, url.pathname, list);
    }
    if (m === 'GET' && at(0) === 'commits' && rest.length === 2) {
      const ref = at(1)!;
      const sha = r.refs.get(`heads/${ref}`) ?? (commits.has(ref) ? ref : undefined);
      if (!sha) return validation(`No commit found for SHA: ${ref}`);
      return { status: 200, body: commitJson(r, commits.get(sha)!, true) };
    }
    if (m === 'GET' && at(0) === 'commits' && at(2) === 'status') {
      const statuses = r.statuses.get(at(1)!) ?? [];
      const template = retarget(fixtureResponse('create-status', 3), 'octokit-fixture-org/create-status', full);
      const state = statuses.some((s) => s.state === 'failure' || s.state === 'error') ? 'failure' : statuses.some((s) => s.state === 'pending') || statuses.length === 0 ? 'pending' : 'success';
      // Like GitHub: `state` and `total_count` cover every status, `statuses` is one page (per_page default 30).
      return { status: 200, body: { ...template, sha: at(1), state, statuses: pageOf(url, statuses), total_count: statuses.length } };
    }
    if (m === 'GET' && at(0) === 'commits' && at(2) === 'check-runs') {
      const runs = r.checkRuns.get(at(1)!) ?? [];
      return { status: 200, body: { total_count: runs.length, check_runs: pageOf(url, runs) } };
    }
    if (m === 'GET' && at(0) === 'branches' && rest.length === 1) {
      const list = [...r.refs].filter(([k]) => k.startsWith('heads/')).map(([k, sha]) => ({ name: k.slice(6), commit: { sha, url: `${base}/repos/${full}/commits/${sha}` }, protected: k === `heads/${r.default_branch}` }));
      return paginate(url, url.pathname, list);
    }
    if (m === 'GET' && at(0) === 'tags' && rest.length === 1) {
      const list = [...r.refs].filter(([k]) => k.startsWith('tags/')).map(([k, sha]) => ({ name: k.slice(5), commit: { sha, url: `${base}/repos/${full}/commits/${sha}` }, zipball_url: '', tarball_url: '', node_id: 'x' }));
      return paginate(url, url.pathname, list);
    }
    if (m === 'POST' && at(0) === 'forks') {
      const b = body(req);
      const owner = b.organization ?? me;
      const existing = repos.get(`${owner}/${r.name}`.toLowerCase());
      const fork = existing ?? addRepo(String(owner), r.name, { fork: true, description: r.description });
      for (const [k, v] of r.refs) fork.refs.set(k, v);
      return { status: 202, body: { ...repoJson(fork), parent: repoJson(r), source: repoJson(r) } };
    }

    // issues
    if (at(0) === 'issues') {
      if (rest.length === 1 && m === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const labels = url.searchParams.get('labels')?.split(',').filter(Boolean) ?? [];
        // GitHub lists pull requests among issues, marked with a pull_request key.
        const pool: Json[] = [...r.issues, ...r.pulls.map((p): Json => ({ ...p, pull_request: { url: p.url, html_url: p.html_url } }))];
        let list = pool.filter((i) => state === 'all' || i.state === state);
        if (labels.length) list = list.filter((i) => labels.every((l) => (i.labels as Json[]).some((x) => x.name === l)));
        list = [...list].sort((a, b) => (url.searchParams.get('direction') === 'asc' ? a.number - b.number : b.number - a.number));
        return paginate(url, url.pathname, list);
      }
      if (rest.length === 1 && m === 'POST') {
        const b = body(req);
        if (!b.title) return validation('Validation Failed', [{ resource: 'Issue', code: 'missing_field', field: 'title' }]);
        const number = r.issues.length + r.pulls.length + 1;
        const issue = issueJson(r, number, {
          title: b.title,
          body: b.body ?? null,
          labels: ((b.labels ?? []) as string[]).map((name, i) => ({ ...fixtureResponse('add-labels-to-issue', 1)[0], id: i + 1, name })),
          assignees: ((b.assignees ?? []) as string[]).map((login) => user(login)),
        });
        r.issues.push(issue);
        return { status: 201, body: issue };
      }
      const number = Number(at(1));
      const issue = r.issues.find((i) => i.number === number) ?? r.pulls.find((p) => p.number === number);
      if (!issue) return notFound();
      if (rest.length === 2 && m === 'GET') return { status: 200, body: issue };
      if (rest.length === 2 && m === 'PATCH') {
        const b = body(req);
        if (b.state && !['open', 'closed'].includes(b.state)) return validation('Validation Failed', [{ resource: 'Issue', code: 'invalid', field: 'state' }]);
        for (const k of ['title', 'body', 'state', 'milestone']) if (b[k] !== undefined) issue[k] = b[k];
        if (b.labels) issue.labels = (b.labels as string[]).map((name, i) => ({ id: i + 1, name, color: 'ededed' }));
        if (b.assignees) issue.assignees = (b.assignees as string[]).map((login) => user(login));
        if (b.state === 'closed') issue.closed_at = NOW;
        return { status: 200, body: issue };
      }
      if (at(2) === 'comments') {
        const list = r.comments.get(number) ?? [];
        if (m === 'GET') return paginate(url, url.pathname, list);
        if (m === 'POST') {
          const b = body(req);
          if (!b.body) return validation('Validation Failed', [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }]);
          const comment = { id: nextId++, user: user(me), body: b.body, created_at: NOW, updated_at: NOW, html_url: `https://github.com/${full}/issues/${number}#issuecomment-${nextId}`, author_association: 'OWNER' };
          list.push(comment);
          r.comments.set(number, list);
          issue.comments = list.length;
          return { status: 201, body: comment };
        }
      }
    }

    // pull requests
    if (at(0) === 'pulls') {
      if (rest.length === 1 && m === 'GET') {
        const state = url.searchParams.get('state') ?? 'open';
        const list = r.pulls.filter((p) => state === 'all' || p.state === state).map((p) => ({ ...p, mergeable: undefined, mergeable_state: undefined, merged: undefined, commits: undefined, additions: undefined, deletions: undefined, changed_files: undefined, body: p.body }));
        return paginate(url, url.pathname, list.map((p) => JSON.parse(JSON.stringify(p)) as Json));
      }
      if (rest.length === 1 && m === 'POST') {
        const b = body(req);
        if (!r.refs.has(`heads/${b.head}`)) return validation('Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'head' }]);
        if (!r.refs.has(`heads/${b.base}`)) return validation('Validation Failed', [{ resource: 'PullRequest', code: 'invalid', field: 'base' }]);
        const number = r.issues.length + r.pulls.length + 1;
        const pr = pullJson(r, number, { title: b.title, body: b.body ?? null, draft: b.draft === true, head: side(r, String(b.head)), base: side(r, String(b.base)) });
        r.pulls.push(pr);
        return { status: 201, body: pr };
      }
      const number = Number(at(1));
      const pr = r.pulls.find((p) => p.number === number);
      if (!pr) return notFound();
      if (rest.length === 2 && m === 'GET') {
        if ((req.headers.accept ?? '').includes('diff')) {
          const files = r.pullFiles.get(number) ?? [];
          const diff = files.map((f) => `diff --git a/${f.filename} b/${f.filename}\n--- a/${f.filename}\n+++ b/${f.filename}\n${f.patch ?? ''}\n`).join('');
          return { status: 200, body: diff, headers: { 'content-type': 'application/vnd.github.diff; charset=utf-8' } };
        }
        return { status: 200, body: pr };
      }
      if (at(2) === 'files' && m === 'GET') return paginate(url, url.pathname, r.pullFiles.get(number) ?? []);
      if (at(2) === 'comments' && m === 'GET') return paginate(url, url.pathname, r.reviewComments.get(number) ?? []);
      if (at(2) === 'reviews') {
        const list = r.reviews.get(number) ?? [];
        if (m === 'GET') return paginate(url, url.pathname, list);
        if (m === 'POST') {
          const b = body(req);
          const states: Record<string, string> = { APPROVE: 'APPROVED', REQUEST_CHANGES: 'CHANGES_REQUESTED', COMMENT: 'COMMENTED' };
          if ((b.event === 'REQUEST_CHANGES' || b.event === 'COMMENT') && !b.body) return validation('Unprocessable Entity', [{ resource: 'PullRequestReview', code: 'missing_field', field: 'body' }]);
          const review = { id: nextId++, user: user(me), body: b.body ?? '', state: states[String(b.event)] ?? 'PENDING', commit_id: b.commit_id ?? pr.head.sha, submitted_at: NOW, html_url: `${pr.html_url}#pullrequestreview-${nextId}`, author_association: 'OWNER' };
          list.push(review);
          r.reviews.set(number, list);
          for (const c of (b.comments ?? []) as Json[]) {
            const comments = r.reviewComments.get(number) ?? [];
            comments.push({ id: nextId++, user: user(me), path: c.path, line: c.line ?? null, position: c.position ?? null, body: c.body, created_at: NOW, html_url: `${pr.html_url}#discussion_r${nextId}`, pull_request_review_id: review.id, diff_hunk: '@@ -1 +1 @@' });
            r.reviewComments.set(number, comments);
          }
          return { status: 200, body: review };
        }
      }
      if (at(2) === 'merge' && m === 'PUT') {
        const b = body(req);
        if (pr.merged) return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: 'https://docs.github.com/rest' } };
        if (pr.mergeable === false) return { status: 405, body: { message: 'Pull Request is not mergeable', documentation_url: 'https://docs.github.com/rest' } };
        if (b.sha && b.sha !== pr.head.sha) return { status: 409, body: { message: 'Head branch was modified. Review and try the merge again.', documentation_url: 'https://docs.github.com/rest' } };
        pr.merged = true;
        pr.state = 'closed';
        pr.merged_at = NOW;
        const sha = createHash('sha1').update(`merge ${number}`).digest('hex');
        return { status: 200, body: { sha, merged: true, message: 'Pull Request successfully merged' } };
      }
      if (at(2) === 'update-branch' && m === 'PUT') {
        const b = body(req);
        if (b.expected_head_sha && b.expected_head_sha !== pr.head.sha) return validation(`expected_head_sha ${b.expected_head_sha} does not match the pull request's head ${pr.head.sha}`);
        return { status: 202, body: { message: 'Updating pull request branch.', url: `https://github.com/${full}/pull/${number}` } };
      }
    }

    // actions
    if (at(0) === 'actions') {
      if (m === 'GET' && at(1) === 'runs' && rest.length === 2) {
        const branch = url.searchParams.get('branch');
        const status = url.searchParams.get('status');
        const list = r.runs.filter((x) => (!branch || x.head_branch === branch) && (!status || x.status === status || x.conclusion === status));
        const paged = paginate(url, url.pathname, list);
        return { ...paged, body: { total_count: list.length, workflow_runs: paged.body } };
      }
      if (m === 'GET' && at(1) === 'workflows' && at(3) === 'runs') {
        const list = r.runs.filter((x) => String(x.workflow_id) === at(2) || String(x.path).endsWith(`/${at(2)}`));
        const paged = paginate(url, url.pathname, list);
        return { ...paged, body: { total_count: list.length, workflow_runs: paged.body } };
      }
      if (at(1) === 'runs' && at(2)) {
        const run = r.runs.find((x) => x.id === Number(at(2)));
        if (!run) return notFound();
        if (m === 'GET' && rest.length === 3) return { status: 200, body: run };
        if (m === 'GET' && at(3) === 'jobs') {
          const jobs = r.jobs.get(run.id) ?? [];
          const paged = paginate(url, url.pathname, jobs);
          return { ...paged, body: { total_count: jobs.length, jobs: paged.body } };
        }
        if (m === 'POST' && (at(3) === 'rerun' || at(3) === 'rerun-failed-jobs')) {
          if (run.status !== 'completed') return { status: 403, body: { message: 'This workflow is already running', documentation_url: 'https://docs.github.com/rest' } };
          run.status = 'queued';
          run.conclusion = null;
          run.run_attempt = Number(run.run_attempt ?? 1) + 1;
          return { status: 201, body: {} };
        }
      }
      if (m === 'GET' && at(1) === 'jobs' && at(3) === 'logs') {
        const jobId = Number(at(2));
        if (!r.logs.has(jobId)) return notFound();
        return { status: 302, headers: { location: `${logServer.url}/logs/${jobId}?sig=signed-url-token-not-the-pat` } };
      }
    }

    // releases
    if (at(0) === 'releases') {
      if (m === 'GET' && rest.length === 1) return paginate(url, url.pathname, r.releases);
      if (m === 'GET' && at(1) === 'latest') {
        const latest = r.releases.find((x) => !x.draft && !x.prerelease);
        return latest ? { status: 200, body: latest } : notFound();
      }
      if (m === 'POST' && rest.length === 1) {
        const b = body(req);
        if (!b.tag_name) return validation('Validation Failed', [{ resource: 'Release', code: 'missing_field', field: 'tag_name' }]);
        if (r.releases.some((x) => x.tag_name === b.tag_name)) return validation('Validation Failed', [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }]);
        const release = releaseJson(r, nextId++, { tag_name: b.tag_name, name: b.name ?? b.tag_name, body: b.body ?? null, draft: b.draft === true, prerelease: b.prerelease === true, target_commitish: b.target_commitish ?? r.default_branch, html_url: `https://github.com/${full}/releases/tag/${b.tag_name}` });
        r.releases.unshift(release);
        return { status: 201, body: release };
      }
    }
    return notFound();
  }

  function searchRoute(kind: string | undefined, url: URL): FakeReply {
    const q = url.searchParams.get('q') ?? '';
    if (!q) return validation('Validation Failed', [{ resource: 'Search', field: 'q', code: 'missing' }]);
    const { words, repo, type } = searchTerms(q);
    const matches = (text: string) => words.every((w) => text.toLowerCase().includes(w));
    const inScope = (r: FakeRepo) => !repo || `${r.owner}/${r.name}`.toLowerCase() === repo;
    if (kind === 'repositories') {
      return searchReply(url, [...repos.values()].filter((r) => inScope(r) && matches(`${r.owner}/${r.name} ${r.description ?? ''}`)).map(repoJson));
    }
    if (kind === 'code') {
      const items: Json[] = [];
      for (const r of repos.values()) {
        if (!inScope(r)) continue;
        for (const [path, sha] of treeOfBranch(r, r.default_branch) ?? []) {
          if (matches(blobs.get(sha)!.toString('utf8'))) items.push({ name: path.split('/').pop(), path, sha, url: `${base}/repos/${r.owner}/${r.name}/contents/${path}`, html_url: `https://github.com/${r.owner}/${r.name}/blob/main/${path}`, repository: { id: r.id, name: r.name, full_name: `${r.owner}/${r.name}`, owner: user(r.owner), private: r.private }, score: 1 });
        }
      }
      return searchReply(url, items);
    }
    if (kind === 'issues') {
      const items: Json[] = [];
      for (const r of repos.values()) {
        if (!inScope(r)) continue;
        const pool = type === 'pr' ? r.pulls : type === 'issue' ? r.issues : [...r.issues, ...r.pulls];
        for (const i of pool) if (matches(`${i.title} ${i.body ?? ''}`)) items.push({ ...i, repository_url: `${base}/repos/${r.owner}/${r.name}`, ...(r.pulls.includes(i) ? { pull_request: { url: i.url } } : {}), score: 1 });
      }
      return searchReply(url, items);
    }
    if (kind === 'users') {
      const logins = [me, 'octokit-fixture-user-b', 'acme', 'other'];
      return searchReply(url, logins.filter((l) => matches(l)).map((l) => ({ ...user(l, l === 'acme' || l === 'other' ? 'Organization' : 'User'), score: 1 })));
    }
    return notFound();
  }

  const server = await startLoopbackServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth !== `token ${options.token}` && auth !== `Bearer ${options.token}`) {
      send(res, { status: 401, body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' } });
      return;
    }
    for (const listener of listeners) listener(req);
    const index = interceptors.findIndex((i) => i.times > 0 && i.match(req));
    if (index >= 0) {
      const interceptor = interceptors[index]!;
      interceptor.times -= 1;
      if (interceptor.times <= 0) interceptors.splice(index, 1);
      send(res, typeof interceptor.reply === 'function' ? interceptor.reply(req) : interceptor.reply);
      return;
    }
    send(res, route(req));
  });
  base = server.url;

  // Seed after `base` is known, so URLs in bodies point at the fake.
  const widgets = addRepo('acme', 'widgets', { description: 'Widgets for everyone' });
  commitFiles('acme/widgets', 'main', { 'README.md': '# widgets\nThe widget library.\n', 'src/index.ts': 'export const widget = 1;\n' }, 'Initial commit', me);
  commitFiles(
    'acme/widgets',
    'main',
    {
      'docs/a b#1.md': 'Spaces and a hash in the name.\n',
      'docs/hidden.md': 'Visible\u200B text\u202E with\u2066 controls\uDB40\uDC41.\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]),
      // Over the contents API's 1 MB, its answer carries no content (encoding "none"): read through the blob API.
      'data/big.txt': bigText(),
      'data/big.bin': Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(1024 * 1024 + 10)]),
      // One byte over the server's 10 MB cap for any file.
      'data/huge.txt': Buffer.alloc(10 * 1024 * 1024 + 1, 0x61),
    },
    'Add docs and assets',
    me,
  );
  const mainHead = widgets.refs.get('heads/main')!;
  // "feature" starts from main's head and adds one commit.
  widgets.refs.set('heads/feature', mainHead);
  commitFiles('acme/widgets', 'feature', { 'src/feature.ts': 'export const feature = true;\n' }, 'Add feature', me);
  widgets.refs.set('heads/develop', mainHead);
  widgets.refs.set('tags/v1.0.0', mainHead);
  const featureHead = widgets.refs.get('heads/feature')!;
  for (let n = 1; n <= 5; n++) {
    widgets.issues.push(issueJson(widgets, n, { title: `Test issue ${n}`, body: `Body of issue ${n}`, labels: n % 2 ? [{ id: 1, name: 'bug', color: 'f29513' }] : [] }));
  }
  widgets.comments.set(1, [{ id: 9001, user: user('octokit-fixture-user-b'), body: 'First\u200B comment', created_at: NOW, updated_at: NOW, html_url: 'https://github.com/acme/widgets/issues/1#issuecomment-9001' }]);
  widgets.issues[0]!.comments = 1;
  const pr = pullJson(widgets, 6, { title: 'Add feature', body: 'Adds the feature.', head: side(widgets, 'feature'), base: side(widgets, 'main'), requested_reviewers: [user('octokit-fixture-user-b')], labels: [{ id: 2, name: 'enhancement' }] });
  widgets.pulls.push(pr);
  widgets.pullFiles.set(6, [{ sha: 'abc', filename: 'src/feature.ts', status: 'added', additions: 1, deletions: 0, changes: 1, blob_url: '', raw_url: '', contents_url: '', patch: `@@ -0,0 +1 @@\n+export const feature = true;\n${'+// padding line\n'.repeat(60)}` }]);
  widgets.reviews.set(6, [{ id: 700, user: user('octokit-fixture-user-b'), body: 'Looks good', state: 'APPROVED', commit_id: featureHead, submitted_at: NOW, html_url: `${pr.html_url}#pullrequestreview-700` }]);
  widgets.reviewComments.set(6, [{ id: 800, user: user('octokit-fixture-user-b'), path: 'src/feature.ts', line: 1, body: 'Nice name', in_reply_to_id: null, created_at: NOW, html_url: `${pr.html_url}#discussion_r800`, diff_hunk: '@@ -0,0 +1 @@' }]);
  const recordedStatus = fixtureResponse('create-status', 3).statuses as Json[];
  widgets.statuses.set(featureHead, recordedStatus);
  widgets.checkRuns.set(featureHead, [
    { id: 1, name: 'build', status: 'completed', conclusion: 'success', details_url: 'https://github.com/acme/widgets/runs/1', app: { slug: 'github-actions', name: 'GitHub Actions' }, started_at: NOW, completed_at: NOW },
    { id: 2, name: 'lint', status: 'completed', conclusion: 'failure', details_url: 'https://github.com/acme/widgets/runs/2', app: { slug: 'github-actions', name: 'GitHub Actions' }, started_at: NOW, completed_at: NOW },
  ]);
  widgets.releases.push(releaseJson(widgets, 1000, { tag_name: 'v1.0.0', name: 'v1.0.0', body: 'First release', draft: false, prerelease: false, html_url: 'https://github.com/acme/widgets/releases/tag/v1.0.0' }));
  widgets.releases.unshift(releaseJson(widgets, 1001, { tag_name: 'v1.1.0-rc.1', name: 'v1.1.0 RC', body: 'Candidate', draft: false, prerelease: true, html_url: 'https://github.com/acme/widgets/releases/tag/v1.1.0-rc.1' }));
  const run = (id: number, status: string, conclusion: string | null, branch: string) => ({
    id, name: 'CI', display_title: `Run ${id}`, path: '.github/workflows/ci.yml', workflow_id: 77, status, conclusion, event: 'push', head_branch: branch, head_sha: mainHead, run_number: id - 99, run_attempt: 1,
    created_at: NOW, updated_at: NOW, html_url: `https://github.com/acme/widgets/actions/runs/${id}`, jobs_url: `${base}/repos/acme/widgets/actions/runs/${id}/jobs`, logs_url: `${base}/repos/acme/widgets/actions/runs/${id}/logs`,
  });
  widgets.runs.push(run(101, 'completed', 'failure', 'main'), run(100, 'completed', 'success', 'feature'));
  widgets.jobs.set(101, [
    { id: 201, run_id: 101, name: 'test', status: 'completed', conclusion: 'failure', started_at: NOW, completed_at: NOW, html_url: 'https://github.com/acme/widgets/actions/runs/101/job/201', steps: [{ name: 'Set up job', status: 'completed', conclusion: 'success', number: 1 }, { name: 'Run tests', status: 'completed', conclusion: 'failure', number: 2 }] },
  ]);
  widgets.logs.set(201, Array.from({ length: 500 }, (_, i) => `2025-06-01T12:00:${String(i % 60).padStart(2, '0')}Z \u001b[32mline ${i + 1}\u001b[0m`).join('\n') + '\nError: expected 1 to be 2\n');

  addRepo('acme', 'secret', { private: true, description: 'Widgets secret plans' });
  commitFiles('acme/secret', 'main', { 'plans.md': 'widget secret plans\n' }, 'Initial commit', me);
  addRepo('other', 'thing', { description: 'Another widgets thing' });
  commitFiles('other/thing', 'main', { 'README.md': 'widget clone\n' }, 'Initial commit', me);
  repos.get('acme/secret')!.issues.push(issueJson(repos.get('acme/secret')!, 1, { title: 'Secret widgets issue', body: 'hidden' }));

  return {
    url: server.url,
    server,
    logServer,
    me,
    intercept(match, reply, times = 1) {
      interceptors.push({ match, reply, times });
    },
    onRequest(fn) {
      listeners.push(fn);
    },
    repo(fullName) {
      return repos.get(fullName.toLowerCase())!;
    },
    commitFiles: (fullName, branch, files, message) => commitFiles(fullName, branch, files, message),
    branchHead: (fullName, branch) => repos.get(fullName.toLowerCase())?.refs.get(`heads/${branch}`),
    fileAt(fullName, branch, path) {
      const r = repos.get(fullName.toLowerCase());
      const sha = r ? treeOfBranch(r, branch)?.get(path) : undefined;
      return sha ? blobs.get(sha) : undefined;
    },
    commitOf: (_fullName, sha) => commits.get(sha),
    requestsFor(fullName) {
      const [owner, name] = fullName.toLowerCase().split('/');
      return server.requests.filter((q) => {
        const parts = new URL(q.url, base).pathname.split('/').map((s) => decodeURIComponent(s).toLowerCase());
        return parts[1] === 'repos' && parts[2] === owner && parts[3] === name;
      });
    },
    async close() {
      await server.close();
      await logServer.close();
    },
  };
}

/** About 2 MB of numbered lines with multi-byte characters (so a slice boundary can fall inside one). */
export function bigText(): string {
  return Array.from({ length: 40_000 }, (_, i) => `line ${String(i + 1).padStart(5, '0')}: ünïcödé ✓ 😀 ${'x'.repeat(20)}`).join('\n') + '\n';
}
