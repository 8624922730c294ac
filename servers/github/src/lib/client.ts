/**
 * The one place that talks to GitHub. Octokit with the throttling and retry plugins, behind three guards:
 *  - the personal access token goes only to GITHUB_API_URL's origin: a fetch wrapper refuses any other origin
 *    and never follows a redirect elsewhere with the token (job logs redirect to storage: fetched without it);
 *  - the repository allow-list is checked before a request is made, and again on the final URL;
 *  - the token is checked once, at first use (GET /user), so a bad token fails with a clear sentence.
 * Rate limits: short waits are waited out by the throttling plugin (bounded), longer ones become an error
 * with the reset time (see errors.ts).
 * Retries: only GET and HEAD are sent again after a 5xx or a broken connection. A write that failed that
 * way may still have been done by GitHub, so it is reported as "may have happened" instead of repeated
 * (a repeated POST opens a second issue). Timeouts are never retried; see deadline.ts in @portico/protocol for the time budgets.
 */
import Bottleneck from 'bottleneck';
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { RepositoryAllowList, RepositoryNotAllowedError } from './allowlist.js';
import { abortedByTimeout, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, deadlineOf, duration, withinDeadline } from '@portico/protocol';
import { callOutOfTime, explainGitHubError, GitHubApiError, requestTimedOut, RETRY_OR_CLONE, unconfirmedWrite } from './errors.js';

export interface ClientLog {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export interface GitHubClientOptions {
  token: string;
  /** e.g. https://api.github.com or https://ghe.example.com/api/v3 (no trailing slash needed). */
  apiUrl: string;
  allowList: RepositoryAllowList;
  /** Rate-limit waits longer than this are reported instead of waited out. */
  maxRateLimitWaitSeconds: number;
  log: ClientLog;
  userAgent: string;
  /** Length of one "second" of the waits the plugins compute, in ms. 1000 in production; tests shrink it. */
  waitUnitMs?: number;
  /** Spacing between writes and between searches that GitHub asks integrators to keep (secondary limits). */
  minWriteIntervalMs?: number;
  minSearchIntervalMs?: number;
  /** Retries of 5xx answers and broken connections, for GET and HEAD only. */
  retries?: number;
  /** One HTTP attempt (default 20 s); never retried after it runs out. */
  requestTimeoutMs?: number;
  /** One whole tool call (default 45 s); the tools apply it, see deadline.ts in @portico/protocol. */
  callTimeoutMs?: number;
}

export interface Identity {
  login: string | null;
  name: string | null;
  type: string | null;
  html_url: string | null;
  /** Classic token scopes from X-OAuth-Scopes; null for fine-grained tokens (GitHub does not send them). */
  scopes: string[] | null;
}

export interface ApiResponse<T> {
  status: number;
  data: T;
  headers: Record<string, string | undefined>;
}

export interface RequestOptions {
  /** Query parameters (undefined values are left out). */
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Extra headers, e.g. an Accept media type. */
  headers?: Record<string, string>;
  /** What is being asked for, for error sentences: "pull request #3 in acme/widgets". */
  what: string;
  signal?: AbortSignal;
  /** Skip the first-use token check (used by the check itself). */
  skipTokenCheck?: boolean;
  /**
   * For writes: how to find out whether it happened after all, when GitHub's answer was lost (5xx, timeout),
   * e.g. "list_issues with sort=created on acme/widgets".
   */
  verify?: string;
}

/** Methods that change nothing: safe to send again when an answer was lost. */
const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** Connection failures that happen before a request is sent: even a write certainly did not happen. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Thrown by the fetch guard when an attempt (or the whole call) ran out of time. Named AbortError like a
 * refusal (see below) so that neither plugin retries it: a server that did not answer in time would only be
 * given the same time again, pushing the answer past the client's own timeout.
 */
class AttemptTimeoutError extends Error {
  constructor(
    readonly limit: string,
    /** False when the call's time ran out before this request was sent (nothing can have happened). */
    readonly sent = true,
  ) {
    super(`no answer within ${limit}`);
    this.name = 'AbortError';
  }
}

const MAX_SAME_ORIGIN_REDIRECTS = 3;

/**
 * Marks an error thrown by the fetch guard so that it reaches the caller untouched and at once: Octokit passes
 * errors named AbortError through without wrapping them in a RequestError, and only RequestErrors are retried
 * by the retry and throttling plugins. A refusal is final; retrying it would only delay the answer.
 */
function refusal<E extends Error>(error: E): E {
  error.name = 'AbortError';
  return error;
}
const RequestOctokit = Octokit.plugin(throttling, retry);

export class GitHubClient {
  readonly octokit: Octokit;
  readonly apiUrl: string;
  readonly allowList: RepositoryAllowList;
  private readonly apiOrigin: string;
  private readonly apiPath: string;
  private identityPromise: Promise<Identity> | undefined;
  private readonly requestTimeoutMs: number;
  /** The budget of one tool call, applied by the tool wrapper (tools/shared.ts). */
  readonly callTimeoutMs: number;

  constructor(private readonly options: GitHubClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    const parsed = new URL(this.apiUrl);
    this.apiOrigin = parsed.origin;
    this.apiPath = parsed.pathname.replace(/\/+$/, '');
    this.allowList = options.allowList;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const unit = options.waitUnitMs ?? 1000;
    const maxWait = options.maxRateLimitWaitSeconds;
    const log = options.log;
    const shouldRetry = (kind: string) => (retryAfter: number, request: { method?: string; url?: string; request?: { signal?: AbortSignal } }, _octokit: unknown, retryCount: number) => {
      // Bounded: at most two waits per request, and only short ones; the rest is reported with the reset time.
      // A wait that would end after the tool call's deadline is reported too: waiting would only end in a
      // timeout, without the reset time the model needs.
      const deadline = deadlineOf(request.request?.signal);
      const fitsDeadline = deadline === undefined || Date.now() + retryAfter * unit < deadline;
      if (retryCount < 2 && retryAfter <= maxWait && fitsDeadline) {
        log.warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}; waiting ${retryAfter} s before retrying`);
        return true;
      }
      const why = retryCount >= 2 ? 'it waited twice already' : retryAfter > maxWait ? `longer than the ${maxWait} s this server waits` : "it would end after the tool call's time budget";
      log.warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}; reset in ${retryAfter} s, not waiting: ${why}`);
      return false;
    };
    const guardedFetch = this.guardedFetch.bind(this);
    this.octokit = new RequestOctokit({
      auth: options.token,
      baseUrl: this.apiUrl,
      userAgent: options.userAgent,
      log: { debug: () => {}, info: () => {}, warn: (m: string) => log.warn(`octokit: ${m}`), error: (m: string) => log.error(`octokit: ${m}`) },
      request: { fetch: guardedFetch },
      throttle: {
        onRateLimit: shouldRetry('primary'),
        onSecondaryRateLimit: shouldRetry('secondary'),
        retryAfterBaseValue: unit,
        fallbackSecondaryRateRetryAfter: 60,
        // Own limiter groups: the plugin's defaults are process-wide singletons, and tests need other spacing.
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.minWriteIntervalMs ?? 1000 }),
        search: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.minSearchIntervalMs ?? 2000 }),
        notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.minWriteIntervalMs ?? 1000 }),
      } as never,
      retry: {
        retries: options.retries ?? 2,
        retryAfterBaseValue: unit,
        // 403/429 belong to the throttling plugin; 4xx answers do not get better by asking again. Writes are
        // never retried (request() sets retries: 0 for them), timeouts never (AttemptTimeoutError).
        doNotRetry: [400, 401, 403, 404, 405, 409, 410, 422, 429, 451],
      },
    });
  }

  /**
   * fetch for Octokit: only the API origin, redirects followed by hand and only within that origin (so the
   * Authorization header can never travel to another host).
   */
  private async guardedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    let url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    for (let hop = 0; ; hop++) {
      this.assertApiUrl(url);
      const timeout = AbortSignal.timeout(this.requestTimeoutMs);
      const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      // Out of time before sending (e.g. after a back-off or rate-limit wait): nothing is sent at all.
      if (abortedByTimeout(init.signal ?? undefined)) throw new AttemptTimeoutError(duration(this.callTimeoutMs), false);
      let response: Response;
      try {
        response = await fetch(url, { ...init, redirect: 'manual', signal });
      } catch (error) {
        // The attempt's own timeout, or the tool call's deadline (a timeout on the caller's signal); a client
        // cancellation is passed on unchanged.
        if (timeout.aborted) throw new AttemptTimeoutError(duration(this.requestTimeoutMs));
        if (abortedByTimeout(init.signal ?? undefined)) throw new AttemptTimeoutError(duration(this.callTimeoutMs));
        throw error;
      }
      const location = response.headers.get('location');
      const method = (init.method ?? 'GET').toUpperCase();
      if (response.status >= 300 && response.status < 400 && location && (method === 'GET' || method === 'HEAD') && hop < MAX_SAME_ORIGIN_REDIRECTS) {
        const next = new URL(location, url);
        // A moved repository redirects within the API; anything else (log storage, raw downloads) goes back
        // to the caller as a 3xx, and is fetched, if at all, without the token.
        if (next.origin === this.apiOrigin && next.pathname.startsWith(this.apiPath)) {
          await response.body?.cancel().catch(() => {});
          url = next;
          continue;
        }
      }
      return await this.withWholeBody(response, timeout, init.signal ?? undefined);
    }
  }

  /**
   * The response with its body already read, under the attempt's timeout. Octokit reads the body itself and
   * turns a failed read into an empty answer (`data: ""`): a body that stalls or breaks off after the headers
   * would come back as a successful call with nothing in it (get_issue then failed output validation, and a
   * create_issue that GitHub did carry out looked like a plain failure). Read here, such a body is an error:
   * a timeout like any other, so a write is reported as "may have happened".
   */
  private async withWholeBody(response: Response, timeout: AbortSignal, callerSignal: AbortSignal | undefined): Promise<Response> {
    if (response.body === null) return response;
    let bytes: ArrayBuffer;
    try {
      bytes = await response.arrayBuffer();
    } catch (error) {
      if (timeout.aborted) throw new AttemptTimeoutError(duration(this.requestTimeoutMs));
      if (abortedByTimeout(callerSignal)) throw new AttemptTimeoutError(duration(this.callTimeoutMs));
      throw error;
    }
    const whole = new Response(bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
    // Octokit reports the URL of the answer (after redirects) in its errors; a constructed Response has none.
    Object.defineProperty(whole, 'url', { value: response.url });
    return whole;
  }

  private assertApiUrl(url: URL): void {
    if (url.origin !== this.apiOrigin) {
      throw refusal(new Error(`refusing to send the GitHub token to ${url.origin}: only ${this.apiOrigin} (GITHUB_API_URL) receives it`));
    }
    const relative = url.pathname.slice(this.apiPath.length);
    const match = /^\/repos\/([^/]+)\/([^/]+)/.exec(relative);
    if (match && !this.allowList.allows(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!))) {
      throw refusal(new RepositoryNotAllowedError(`${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}`, this.allowList.patterns));
    }
    if (this.allowList.restricted && /^\/repositories\/\d+/.test(relative)) {
      throw refusal(new Error('refusing a /repositories/{id} URL while GITHUB_REPOSITORIES is set (the repository cannot be checked)'));
    }
  }

  /** Throws RepositoryNotAllowedError (no request made) when owner/repo is outside GITHUB_REPOSITORIES. */
  assertRepo(owner: string, repo: string): void {
    this.allowList.assert(owner, repo);
  }

  /**
   * One REST call. `path` is already encoded (see paths.ts). Errors come back as GitHubApiError with the
   * HTTP status spelled out; RepositoryNotAllowedError passes through unchanged.
   */
  async request<T = unknown>(method: string, path: string, options: RequestOptions): Promise<ApiResponse<T>> {
    if (!options.skipTokenCheck) await this.identity();
    const url = withQuery(path, options.query);
    const safe = SAFE_METHODS.has(method.toUpperCase());
    try {
      const response = await this.octokit.request({
        method,
        url,
        headers: options.headers ?? {},
        ...(options.body !== undefined ? { data: options.body } : {}),
        // retries: 0 turns plugin-retry off for this request: a write is sent exactly once.
        request: { ...(options.signal ? { signal: options.signal } : {}), ...(safe ? {} : { retries: 0 }) },
      } as never);
      return { status: response.status, data: response.data as T, headers: response.headers as Record<string, string | undefined> };
    } catch (error) {
      throw this.translate(error, options, safe);
    }
  }

  /**
   * A GET whose answer is bytes, not JSON (a raw media type such as `application/vnd.github.raw+json`).
   * Octokit's own body parsing is turned off: GitHub labels raw file bytes `…; charset=utf-8`, which Octokit
   * would decode as text and so corrupt a binary file. More than `maxBytes` is an error, not a cut.
   */
  async requestBytes(path: string, options: RequestOptions & { maxBytes: number }): Promise<Buffer> {
    if (!options.skipTokenCheck) await this.identity();
    let stream: ReadableStream<Uint8Array> | null;
    try {
      const response = (await this.octokit.request({
        method: 'GET',
        url: withQuery(path, options.query),
        headers: options.headers ?? {},
        request: { ...(options.signal ? { signal: options.signal } : {}), parseSuccessResponseBody: false },
      } as never)) as { status: number; data: ReadableStream<Uint8Array> | null };
      // Unparsed, Octokit passes any 2xx/3xx through (a redirect elsewhere comes back unfollowed, by design):
      // only a 200 carries the bytes asked for.
      if (response.status !== 200) {
        await response.data?.cancel().catch(() => {});
        throw new GitHubApiError(`GitHub answered HTTP ${response.status} instead of the bytes of ${options.what}.`, 'upstream_error', RETRY_OR_CLONE, response.status);
      }
      stream = response.data;
    } catch (error) {
      throw this.translate(error, options, true);
    }
    const chunks: Buffer[] = [];
    let total = 0;
    // guardedFetch has already read the whole body (withWholeBody), so this bounds what is returned, not what
    // was received: callers bound the download by asking only for what GitHub reported to be small enough.
    for await (const chunk of (stream ?? []) as AsyncIterable<Uint8Array>) {
      total += chunk.length;
      if (total > options.maxBytes) {
        throw new GitHubApiError(`${options.what} is larger than ${options.maxBytes} bytes, the most this server reads at once.`, 'too_large', 'clone the repository to read it.', undefined);
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks, total);
  }

  private translate(error: unknown, options: RequestOptions, safe: boolean): Error {
    const { what, signal } = options;
    if (error instanceof AttemptTimeoutError) {
      if (!error.sent) return callOutOfTime(what, error.limit);
      return safe ? requestTimedOut(what, error.limit) : unconfirmedWrite(what, `GitHub did not answer within ${error.limit}`, options.verify);
    }
    if (signal?.aborted) return error as Error;
    const cause = (error as { cause?: unknown })?.cause;
    if (error instanceof RepositoryNotAllowedError) return error;
    if (cause instanceof RepositoryNotAllowedError) return cause;
    if (error instanceof GitHubApiError) return error;
    const explained = explainGitHubError(error, what);
    if (!safe) {
      // The answer was lost after the request may have reached GitHub: say so instead of "try again".
      if (explained.code === 'upstream_error' && explained.status !== undefined && explained.status >= 500) {
        return unconfirmedWrite(what, `GitHub answered HTTP ${explained.status}`, options.verify);
      }
      if (explained.code === 'unreachable' && !notSent(error)) {
        return unconfirmedWrite(what, `the connection to GitHub failed (${(error as Error)?.message ?? String(error)})`, options.verify);
      }
    }
    return explained;
  }

  /**
   * The token check: GET /user once. A 401 becomes "token invalid or expired"; a failure is not cached, so
   * the next call asks again (the operator may have fixed the network).
   */
  identity(signal?: AbortSignal): Promise<Identity> {
    if (!this.identityPromise) {
      this.identityPromise = this.request<Record<string, unknown>>('GET', '/user', { what: 'the token check (GET /user)', skipTokenCheck: true, ...(signal ? { signal } : {}) })
        .then((response) => {
          const scopes = response.headers['x-oauth-scopes'];
          return {
            login: typeof response.data.login === 'string' ? response.data.login : null,
            name: typeof response.data.name === 'string' ? response.data.name : null,
            type: typeof response.data.type === 'string' ? response.data.type : null,
            html_url: typeof response.data.html_url === 'string' ? response.data.html_url : null,
            scopes: scopes === undefined ? null : scopes.split(',').map((s) => s.trim()).filter(Boolean),
          };
        })
        .catch((error: unknown) => {
          // GitHub App installation tokens cannot read /user (403) yet work everywhere else: let them through.
          if (error instanceof GitHubApiError && error.status === 403 && error.code !== 'rate_limited') {
            return { login: null, name: null, type: null, html_url: null, scopes: null };
          }
          this.identityPromise = undefined;
          if (error instanceof GitHubApiError && error.code === 'unauthorized') {
            throw new GitHubApiError(
              'GitHub rejected GITHUB_PERSONAL_ACCESS_TOKEN at its first use (401 Unauthorized): the token is invalid, expired or revoked.',
              'unauthorized',
              error.hint,
              401,
            );
          }
          throw error;
        });
    }
    return this.identityPromise;
  }

  /**
   * Downloads a URL GitHub redirected to (job logs live in blob storage). Sent WITHOUT the token or any other
   * header; at most `maxBytes` are kept, from the end (logs are read from the tail).
   */
  async downloadTail(url: string, maxBytes: number, signal?: AbortSignal): Promise<{ tail: Buffer; totalBytes: number }> {
    const target = new URL(url);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new GitHubApiError(`GitHub redirected to an unsupported URL scheme (${target.protocol}).`, 'upstream_error', undefined, undefined);
    // Log files can be large: the download may use the whole call's budget (the signal carries its deadline).
    return withinDeadline(signal, this.callTimeoutMs, (bounded) => this.readTail(target, maxBytes, bounded));
  }

  private async readTail(target: URL, maxBytes: number, signal: AbortSignal): Promise<{ tail: Buffer; totalBytes: number }> {
    const response = await fetch(target, { redirect: 'follow', signal });
    if (!response.ok || !response.body) {
      throw new GitHubApiError(`downloading the logs failed (HTTP ${response.status}); the download link may have expired.`, 'upstream_error', 'call get_job_logs again for a fresh link.', response.status);
    }
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      const buf = Buffer.from(chunk);
      total += buf.length;
      chunks.push(buf);
      kept += buf.length;
      // Keep a window of at most 2x the budget; older chunks are dropped as new ones arrive.
      while (kept - (chunks[0]?.length ?? 0) >= maxBytes && chunks.length > 1) kept -= chunks.shift()!.length;
    }
    const all = Buffer.concat(chunks);
    return { tail: all.length > maxBytes ? all.subarray(all.length - maxBytes) : all, totalBytes: total };
  }
}

/** `path` with the defined query parameters appended (undefined values are left out). */
function withQuery(path: string, query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** True when the error shows the request never left this machine (refused connection, unknown host). */
function notSent(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return true;
  }
  return false;
}
