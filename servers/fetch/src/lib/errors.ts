/**
 * The one error type of the fetch domain. Each failure carries a short code and a sentence a model can act
 * on; the tool layer turns it into a ToolError. lib/ stays free of MCP types, so these are plain errors.
 */
export type FetchErrorCode =
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'credentials_in_url'
  | 'host_denied'
  | 'host_not_allowed'
  | 'blocked_address'
  | 'dns_failed'
  | 'connect_failed'
  | 'connect_timeout'
  | 'timeout'
  | 'tls_failed'
  | 'proxy_failed'
  | 'http_status'
  | 'redirect_loop'
  | 'too_many_redirects'
  | 'bad_redirect'
  | 'too_large'
  | 'bad_encoding'
  | 'unsupported_content_type'
  | 'conversion_failed'
  | 'robots_denied'
  | 'cancelled';

export class FetchError extends Error {
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly extra: { hint?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'FetchError';
  }
  get hint(): string | undefined {
    return this.extra.hint;
  }
}

export function isFetchError(error: unknown): error is FetchError {
  return error instanceof FetchError;
}
