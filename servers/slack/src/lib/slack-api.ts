/**
 * The one way this server talks to Slack: @slack/web-api's WebClient, pointed only at the configured base
 * URL, with its logging routed to stderr, every token checked with auth.test before its first real use, and
 * Slack's rate limits honoured up to a bound.
 *
 * Rate limits: the WebClient's own 429 handling sleeps for the whole Retry-After while pausing every other
 * call, and cannot be cancelled or capped. So the client is told to reject rate-limited calls (it still
 * parses Retry-After) and this module waits out short limits itself (cancellable, per call) and reports
 * long ones with the wait. Network and 5xx failures are retried by the client's own retry policy.
 */
import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger, type RetryOptions } from '@slack/web-api';

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
 * module's own: `ratelimited` (with retryAfter), `unreachable`, `http_error`, `team_mismatch`.
 */
export class SlackApiError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    readonly detail: { needed?: string; provided?: string; retryAfter?: number; status?: number; token?: TokenKind; messages?: string[]; team?: string } = {},
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
  /** The client's retry policy for network errors and 5xx answers. */
  retryConfig?: RetryOptions;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  log: LineLogger;
}

export interface CallOptions {
  token?: TokenKind;
  signal?: AbortSignal;
}

export type SlackResult = Record<string, unknown> & { ok?: boolean; response_metadata?: { next_cursor?: string } };

const DEFAULT_RETRY: RetryOptions = { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2_000, randomize: true };

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

  /** Calls a Web API method after the token has passed auth.test. Throws SlackApiError. */
  async call<T extends SlackResult = SlackResult>(method: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<T> {
    const kind = options.token ?? 'bot';
    await this.identity(kind);
    return this.rawCall<T>(method, args, kind, options.signal);
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
    const maxRetries = this.options.maxRateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted();
      try {
        return (await client.apiCall(method, args)) as T;
      } catch (error) {
        const e = error as { code?: string; retryAfter?: number; data?: Record<string, unknown>; statusCode?: number; original?: { code?: string } };
        if (e.code === ErrorCode.RateLimitedError) {
          const wait = e.retryAfter ?? 1;
          if (wait > this.options.maxRetryWaitSeconds || attempt >= maxRetries) {
            throw new SlackApiError(method, 'ratelimited', { retryAfter: wait, token: kind });
          }
          this.options.log.info(`Slack rate-limited ${method}; waiting ${wait}s as Retry-After asks (attempt ${attempt + 1} of ${maxRetries})`);
          await sleep(wait * 1000, signal);
          continue;
        }
        if (e.code === ErrorCode.PlatformError && e.data) {
          const data = e.data;
          const meta = data.response_metadata as { messages?: string[] } | undefined;
          throw new SlackApiError(method, String(data.error ?? 'unknown_error'), {
            ...(typeof data.needed === 'string' ? { needed: data.needed } : {}),
            ...(typeof data.provided === 'string' ? { provided: data.provided } : {}),
            ...(meta?.messages?.length ? { messages: meta.messages.slice(0, 5) } : {}),
            token: kind,
          });
        }
        if (e.code === ErrorCode.HTTPError) throw new SlackApiError(method, 'http_error', { ...(e.statusCode ? { status: e.statusCode } : {}), token: kind });
        if (e.code === ErrorCode.RequestError) {
          this.options.log.warn(`Slack ${method} could not be reached (${e.original?.code ?? 'request error'})`);
          throw new SlackApiError(method, 'unreachable', { token: kind });
        }
        throw error;
      }
    }
  }

  private makeClient(token: string): WebClient {
    return new WebClient(token, {
      slackApiUrl: this.options.apiUrl,
      // Method names only: an absolute URL must never receive the token.
      allowAbsoluteUrls: false,
      rejectRateLimitedCalls: true,
      retryConfig: this.options.retryConfig ?? DEFAULT_RETRY,
      timeout: this.options.timeoutMs ?? 30_000,
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
