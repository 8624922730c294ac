/**
 * The one way this server talks to Slack: @slack/web-api's WebClient, pointed only at the configured base
 * URL, with its logging routed to stderr, every token checked with auth.test before its first real use, and
 * Slack's rate limits honoured up to a bound.
 *
 * Rate limits: the WebClient's own 429 handling sleeps for the whole Retry-After while pausing every other
 * call, and cannot be cancelled or capped. So the client is told to reject rate-limited calls (it still
 * parses Retry-After) and this module waits out short limits itself (cancellable, per call) and reports
 * long ones with the wait. A 429 was not processed, so waiting and sending it again is safe for any method.
 *
 * Other failures: the WebClient's own retry policy is off (it retries every method alike). This module
 * retries a 5xx or a broken connection only for methods that read (isReadMethod). A write (chat.postMessage,
 * reactions.add, ...) is sent once: when its answer is lost, Slack may have done it anyway, so it becomes a
 * `write_unconfirmed` error telling the model to look before posting again, instead of a second post.
 * Timeouts are never retried, and each tool call has a time budget (see deadline.ts in @portico/protocol).
 */
import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { abortedByTimeout, budgetOf, deadlineOf, DEFAULT_CALL_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, duration, untilAborted } from '@portico/protocol';

export type TokenKind = 'bot' | 'user';

/** Who the token belongs to, from auth.test. */
export interface Identity {
  userId: string;
  botId: string | undefined;
  teamId: string;
  team: string | undefined;
  user: string | undefined;
}

/**
 * A failed Web API call. `code` is Slack's error string (`not_in_channel`, `missing_scope`...) or one of this
 * module's own: `ratelimited` (with retryAfter when Slack gave one), `unreachable` (nothing was sent),
 * `timeout`, `write_unconfirmed` (a write whose answer was lost: it may have happened), `http_error`,
 * `http_auth` (HTTP 401/403: a token or proxy problem), `not_slack_api` (the answer was not Slack's JSON),
 * `team_mismatch`.
 */
export class SlackApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly detail: {
      needed?: string;
      provided?: string;
      retryAfter?: number;
      status?: number;
      token?: TokenKind;
      messages?: string[];
      team?: string;
      /** For timeouts: the limit that ran out ("20 s"). */
      limit?: string;
      /** For write_unconfirmed: what happened to the answer ("HTTP 503", "no answer within 20 s"). */
      reason?: string;
      /** True when the method writes (not_slack_api on a write: it may have reached Slack). */
      write?: boolean;
      /** For timeouts: the call's time ran out before the request was sent (nothing was done). */
      notSent?: boolean;
    } = {},
  ) {
    super(`Slack ${method} failed: ${code}`);
    this.name = 'SlackApiError';
  }
}

/** What a plain stderr logger looks like (the protocol's Logger fits). */
export interface LineLogger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

export interface SlackApiOptions {
  botToken: string;
  userToken?: string | undefined;
  teamId: string;
  apiUrl: string;
  /** Longest Retry-After waited out before retrying; longer ones become a `ratelimited` error. */
  maxRetryWaitSeconds: number;
  /** How many rate-limited answers in a row one call may wait out. */
  maxRateLimitRetries?: number;
  /** Retries of a 5xx answer or broken connection, for read methods only (default 2). */
  retries?: number;
  /** Back-off before the first such retry, doubled for each next one (default 500 ms). */
  retryBackoffMs?: number;
  /** One request (default 20 s); never retried after it runs out. */
  timeoutMs?: number;
  /** One whole tool call (default 45 s); the tools apply it, see deadline.ts in @portico/protocol. */
  callTimeoutMs?: number;
  log: LineLogger;
}

export interface CallOptions {
  token?: TokenKind;
  signal?: AbortSignal;
}

export type SlackResult = Record<string, unknown> & { ok?: boolean; response_metadata?: { next_cursor?: string } };

/**
 * Methods that only read, so sending them again after a lost answer changes nothing. Decided from the last
 * part of the method name (conversations.history, users.info, users.profile.get, chat.getPermalink...) and
 * search.*, rather than from the family: conversations.join and users.profile.set write. Anything not
 * recognised counts as a write, and is never repeated.
 */
const READ_VERBS = new Set(['list', 'info', 'history', 'replies', 'get', 'getPermalink', 'lookupByEmail', 'conversations', 'getPresence', 'test']);
export function isReadMethod(method: string): boolean {
  if (method.startsWith('search.')) return true;
  return READ_VERBS.has(method.slice(method.lastIndexOf('.') + 1));
}

/** Slack's error codes are snake_case words; anything else in `error` is a body that was not Slack's JSON. */
const SLACK_ERROR_CODE = /^[a-z][a-z0-9_.]*$/;

/** axios error codes of a request that never left this machine: even a write certainly did not happen. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** axios error codes of a request that ran out of time. */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

export class SlackApi {
  private readonly clients: Partial<Record<TokenKind, WebClient>> = {};
  private readonly identities: Partial<Record<TokenKind, Promise<Identity>>> = {};

  constructor(private readonly options: SlackApiOptions) {
    this.clients.bot = this.makeClient(options.botToken);
    if (options.userToken) this.clients.user = this.makeClient(options.userToken);
  }

  get teamId(): string {
    return this.options.teamId;
  }

  hasUserToken(): boolean {
    return this.clients.user !== undefined;
  }

  /** The token's identity from auth.test, checked once (retried after a failure, which may be transient). */
  // Takes no AbortSignal: the check is shared by every caller, so one caller's cancellation must not fail it
  // for the others.
  identity(kind: TokenKind = 'bot'): Promise<Identity> {
    let pending = this.identities[kind];
    if (!pending) {
      pending = this.authTest(kind);
      this.identities[kind] = pending;
      pending.catch(() => {
        if (this.identities[kind] === pending) delete this.identities[kind];
      });
    }
    return pending;
  }

  /** The budget of one tool call, applied by the tool wrapper (tools/index.ts). */
  get callTimeoutMs(): number {
    return this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  }

  /** Calls a Web API method after the token has passed auth.test. Throws SlackApiError. */
  async call<T extends SlackResult = SlackResult>(method: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
    const kind = options.token ?? 'bot';
    try {
      await untilAborted(this.identity(kind), options.signal);
    } catch (error) {
      // Out of time while the token check was pending: `method` itself was never sent.
      throw this.callTimeout(method, kind, options.signal, false) ?? error;
    }
    return this.rawCall<T>(method, args, kind, options.signal);
  }

  /**
   * The error for a call whose deadline ran out (undefined when the signal did not time out). `sent`: whether
   * the request was on its way when it did; a write that was is reported as "may have happened".
   */
  private callTimeout(method: string, kind: TokenKind, signal: AbortSignal | undefined, sent: boolean): SlackApiError | undefined {
    if (!abortedByTimeout(signal)) return undefined;
    const limit = duration(budgetOf(signal) ?? this.callTimeoutMs);
    if (!sent) return new SlackApiError(method, 'timeout', { limit, token: kind, notSent: true });
    return isReadMethod(method)
      ? new SlackApiError(method, 'timeout', { limit, token: kind })
      : new SlackApiError(method, 'write_unconfirmed', { reason: `no answer within the call's ${limit}`, token: kind });
  }

  private async authTest(kind: TokenKind): Promise<Identity> {
    const result = await this.rawCall('auth.test', {}, kind);
    const identity: Identity = {
      userId: String(result.user_id ?? ''),
      botId: typeof result.bot_id === 'string' ? result.bot_id : undefined,
      teamId: String(result.team_id ?? ''),
      team: typeof result.team === 'string' ? result.team : undefined,
      user: typeof result.user === 'string' ? result.user : undefined,
    };
    // A token from another workspace would read and post there: refuse it rather than guess.
    const enterpriseId = typeof result.enterprise_id === 'string' ? result.enterprise_id : undefined;
    if (identity.teamId !== this.options.teamId && enterpriseId !== this.options.teamId) {
      throw new SlackApiError('auth.test', 'team_mismatch', { token: kind, team: identity.teamId });
    }
    this.options.log.info(`${kind} token checked: ${identity.user ?? identity.userId} in ${identity.team ?? identity.teamId}`);
    return identity;
  }

  private async rawCall<T extends SlackResult>(method: string, args: Record<string, unknown>, kind: TokenKind, signal?: AbortSignal): Promise<T> {
    const client = this.clients[kind];
    if (!client) throw new SlackApiError(method, 'no_user_token', { token: kind });
    const maxRateLimitRetries = this.options.maxRateLimitRetries ?? 3;
    const maxRetries = this.options.retries ?? 2;
    const read = isReadMethod(method);
    const deadline = deadlineOf(signal);
    const fitsDeadline = (ms: number) => deadline === undefined || Date.now() + ms < deadline;
    let rateLimited = 0;
    let retried = 0;
    for (;;) {
      let sent = false;
      try {
        signal?.throwIfAborted();
        sent = true;
        // The WebClient cannot be cancelled: stop waiting for it when the call is cancelled or out of time
        // (the abandoned request still ends at its own timeout).
        return (await untilAborted(client.apiCall(method, args), signal)) as T;
      } catch (error) {
        const timedOut = this.callTimeout(method, kind, signal, sent);
        if (timedOut) throw timedOut;
        if (signal?.aborted) throw error;
        const e = error as { code?: string; retryAfter?: number; data?: Record<string, unknown>; statusCode?: number; original?: { code?: string }; message?: string };
        if (e.code === ErrorCode.RateLimitedError) {
          const wait = e.retryAfter ?? 1;
          if (wait > this.options.maxRetryWaitSeconds || rateLimited >= maxRateLimitRetries || !fitsDeadline(wait * 1000)) {
            throw new SlackApiError(method, 'ratelimited', { retryAfter: wait, token: kind });
          }
          rateLimited += 1;
          this.options.log.info(`Slack rate-limited ${method}; waiting ${wait}s as Retry-After asks (attempt ${rateLimited} of ${maxRateLimitRetries})`);
          await this.pause(wait * 1000, method, kind, signal);
          continue;
        }
        // The WebClient rejects a 429 without a usable Retry-After with this plain Error: still a rate limit,
        // only without a wait to honour, so it is reported (not retried) like a long one.
        if (typeof e.message === 'string' && e.message.startsWith('Retry header did not contain a valid timeout')) {
          throw new SlackApiError(method, 'ratelimited', { token: kind });
        }
        if (e.code === ErrorCode.PlatformError && e.data) {
          const data = e.data;
          // A body that was not JSON (a proxy's HTML page) reaches here as { ok: false, error: <the body> }:
          // never show it as if it were Slack's error code.
          if (typeof data.error !== 'string' || !SLACK_ERROR_CODE.test(data.error)) {
            this.options.log.warn(`Slack ${method}: the answer was not Slack's API JSON (a proxy in between?)`);
            throw new SlackApiError(method, 'not_slack_api', { token: kind, write: !read });
          }
          const meta = data.response_metadata as { messages?: string[] } | undefined;
          throw new SlackApiError(method, data.error, {
            ...(typeof data.needed === 'string' ? { needed: data.needed } : {}),
            ...(typeof data.provided === 'string' ? { provided: data.provided } : {}),
            ...(meta?.messages?.length ? { messages: meta.messages.slice(0, 5) } : {}),
            token: kind,
          });
        }
        let failure: SlackApiError;
        if (e.code === ErrorCode.HTTPError) {
          const status = e.statusCode;
          // Slack reports bad tokens inside a 200 answer (invalid_auth); an HTTP 401/403 comes from whatever
          // stands at SLACK_API_URL (a proxy or gateway) and will not change by asking again.
          if (status === 401 || status === 403) throw new SlackApiError(method, 'http_auth', { status, token: kind });
          const detail = { ...(status ? { status } : {}), token: kind };
          if (status === undefined || status < 500) throw new SlackApiError(method, 'http_error', detail);
          if (!read) throw new SlackApiError(method, 'write_unconfirmed', { reason: `HTTP ${status}`, token: kind });
          failure = new SlackApiError(method, 'http_error', detail);
        } else if (e.code === ErrorCode.RequestError) {
          const cause = e.original?.code ?? 'request error';
          this.options.log.warn(`Slack ${method} could not be reached (${cause})`);
          if (TIMEOUT_CODES.has(cause)) {
            const limit = duration(this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
            throw read ? new SlackApiError(method, 'timeout', { limit, token: kind }) : new SlackApiError(method, 'write_unconfirmed', { reason: `no answer within ${limit}`, token: kind });
          }
          if (!read && !NOT_SENT_CODES.has(cause)) throw new SlackApiError(method, 'write_unconfirmed', { reason: `the connection failed (${cause})`, token: kind });
          failure = new SlackApiError(method, 'unreachable', { token: kind });
        } else {
          throw error;
        }
        // A read (or a write that was never sent) whose answer was lost: ask again, a bounded number of times.
        const backoff = (this.options.retryBackoffMs ?? 500) * 2 ** retried;
        if (retried >= maxRetries || !fitsDeadline(backoff)) throw failure;
        retried += 1;
        this.options.log.info(`Slack ${method} failed (${failure.code}${failure.detail.status ? ` ${failure.detail.status}` : ''}); retry ${retried} of ${maxRetries} in ${backoff} ms`);
        await this.pause(backoff, method, kind, signal);
      }
    }
  }

  /** A cancellable wait between attempts; running out of the call's time then means nothing more is sent. */
  private async pause(ms: number, method: string, kind: TokenKind, signal: AbortSignal | undefined): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw this.callTimeout(method, kind, signal, false) ?? error;
    }
  }

  private makeClient(token: string): WebClient {
    return new WebClient(token, {
      slackApiUrl: this.options.apiUrl,
      // Method names only: an absolute URL must never receive the token.
      allowAbsoluteUrls: false,
      rejectRateLimitedCalls: true,
      // Retries are decided in rawCall, per method: the client's own policy would repeat writes too.
      retryConfig: { retries: 0 },
      timeout: this.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      logger: toSlackLogger(this.options.log),
    });
  }
}

/** The WebClient logs to the console (stdout!) by default; route it to stderr, quieter than ours. */
function toSlackLogger(log: LineLogger): SlackLogger {
  let level = LogLevel.WARN;
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log.debug(`web-api: ${msg.map(String).join(' ')}`),
    error: (...msg: unknown[]) => log.warn(`web-api: ${msg.map(String).join(' ')}`),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

