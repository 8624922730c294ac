/**
 * Turns what GitHub answered into a sentence a model can act on: the HTTP status spelled out, the field at
 * fault for validation errors, the missing scope for 403s, the reset time for rate limits. No MCP types here;
 * tools map GitHubApiError to ToolError.
 */

export type GitHubErrorCode =
  | 'unauthorized'
  | 'missing_scope'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'validation_failed'
  | 'rate_limited'
  | 'not_mergeable'
  | 'gone'
  | 'non_fast_forward'
  | 'too_large'
  | 'upstream_error'
  | 'unreachable'
  | 'timeout'
  | 'write_unconfirmed'
  | 'bad_request';

/** What to do when GitHub's answer for a file was not the file (a redirect, a cut body, a bad sha). */
export const RETRY_OR_CLONE = 'try again; if it persists, clone the repository.';

export class GitHubApiError extends Error {
  constructor(
    message: string,
    readonly code: GitHubErrorCode,
    readonly hint: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'GitHubApiError';
  }
}

/** The parts of an Octokit RequestError this module reads. */
interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function header(error: RequestErrorLike, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

function githubMessage(error: RequestErrorLike): string {
  const data = error.response?.data;
  if (data && typeof data === 'object' && 'message' in data && typeof (data as { message: unknown }).message === 'string') {
    return (data as { message: string }).message;
  }
  if (typeof data === 'string' && data.trim()) return data.trim().slice(0, 300);
  return '';
}

function validationDetails(error: RequestErrorLike): string[] {
  const data = error.response?.data as { errors?: unknown } | undefined;
  if (!data || !Array.isArray(data.errors)) return [];
  return data.errors.map((e: unknown) => {
    if (typeof e === 'string') return e;
    const item = e as { resource?: string; field?: string; code?: string; message?: string; value?: unknown };
    const where = item.field ? `field "${item.field}"${item.resource ? ` of ${item.resource}` : ''}` : (item.resource ?? 'input');
    const what = item.message ?? describeValidationCode(item.code);
    return `${where}: ${what}`;
  });
}

function describeValidationCode(code: string | undefined): string {
  switch (code) {
    case 'missing':
      return 'the resource does not exist';
    case 'missing_field':
      return 'a required field is missing';
    case 'invalid':
      return 'the value is not valid';
    case 'already_exists':
      return 'already exists (names must be unique)';
    case 'unprocessable':
      return 'the value cannot be processed';
    default:
      return code ?? 'rejected';
  }
}

/**
 * A write (POST, PUT, PATCH, DELETE) whose outcome is unknown: GitHub answered 5xx, or did not answer in time,
 * or the connection broke after the request was sent. GitHub may well have done it (a 502 from its front end
 * often comes after the work is done), so the write is not sent again automatically, and the model is told
 * to look before it asks again: a second create_issue would open a second issue.
 */
export function unconfirmedWrite(what: string, happened: string, verify: string | undefined): GitHubApiError {
  return new GitHubApiError(
    `${happened} while ${what}, so it is not known whether the write was done: it MAY have happened. It was not sent again.`,
    'write_unconfirmed',
    `check first${verify ? ` (${verify})` : ''}, and call again only if it did not happen; calling again blindly may do it twice.`,
    undefined,
  );
}

/** A request that got no answer within the time limit (per request, or for the whole tool call). */
export function requestTimedOut(what: string, limit: string): GitHubApiError {
  return new GitHubApiError(
    `GitHub did not answer within ${limit} while working on ${what}, so the request was abandoned (it is not repeated: the answer would come too late).`,
    'timeout',
    'GitHub or the network is slow right now: try again in a minute; for listings, a smaller per_page helps.',
    undefined,
  );
}

/** The tool call's time budget ran out before a request was sent: nothing was done by it. */
export function callOutOfTime(what: string, limit: string): GitHubApiError {
  return new GitHubApiError(
    `the call ran out of its ${limit} time budget before ${what} was sent to GitHub, so nothing was done.`,
    'timeout',
    'GitHub or the network is slow right now (or rate limits made the call wait): try again in a minute.',
    undefined,
  );
}

/** Reset time of a primary limit (x-ratelimit-reset, epoch seconds) or a wait from retry-after. */
export function rateLimitWait(headers: Record<string, string | number | undefined> | undefined, now = Date.now()): { seconds: number; at: Date } | undefined {
  if (!headers) return undefined;
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined && /^\d+$/.test(String(retryAfter))) {
    const seconds = Number(retryAfter);
    return { seconds, at: new Date(now + seconds * 1000) };
  }
  const reset = headers['x-ratelimit-reset'];
  if (reset !== undefined && /^\d+$/.test(String(reset))) {
    const at = new Date(Number(reset) * 1000);
    return { seconds: Math.max(0, Math.ceil((at.getTime() - now) / 1000)), at };
  }
  return undefined;
}

function isRateLimited(error: RequestErrorLike): boolean {
  if (error.status !== 403 && error.status !== 429) return false;
  if (error.status === 429) return true;
  if (header(error, 'x-ratelimit-remaining') === '0') return true;
  if (header(error, 'retry-after') !== undefined) return true;
  return /rate limit/i.test(githubMessage(error));
}

/** Scopes the endpoint accepts that the token does not have (classic tokens report both). */
function missingScopes(error: RequestErrorLike): { accepted: string[]; has: string[] } | undefined {
  const accepted = header(error, 'x-accepted-oauth-scopes');
  const has = header(error, 'x-oauth-scopes');
  if (accepted === undefined || accepted.trim() === '' || has === undefined) return undefined;
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
  const acceptedList = list(accepted);
  const hasList = list(has);
  if (acceptedList.some((s) => hasList.includes(s))) return undefined;
  return { accepted: acceptedList, has: hasList };
}

/**
 * `what` names the thing asked for, e.g. `repository acme/widgets` or `file README.md in acme/widgets`, so the
 * sentence can say what was not found.
 */
export function explainGitHubError(error: unknown, what: string): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const e = (error ?? {}) as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = githubMessage(e);
  const quoted = message ? ` GitHub said: "${message}".` : '';

  if (status === undefined || (status === 500 && !e.response)) {
    const reason = (error as Error)?.message ?? String(error);
    return new GitHubApiError(
      `could not reach the GitHub API while working on ${what} (${reason}).`,
      'unreachable',
      'check the network and GITHUB_API_URL, then try again.',
      undefined,
    );
  }
  if (isRateLimited(e)) {
    const wait = rateLimitWait(e.response?.headers);
    const secondary = /secondary/i.test(message) || (status === 429 && header(e, 'x-ratelimit-remaining') !== '0');
    const kind = secondary ? 'a secondary (abuse) rate limit' : 'the primary rate limit';
    const when = wait ? ` It resets at ${wait.at.toISOString()} (in ${wait.seconds} s).` : '';
    return new GitHubApiError(
      `GitHub refused ${what} because the token hit ${kind} (HTTP ${status}).${when}`,
      'rate_limited',
      wait ? `wait until ${wait.at.toISOString()} and call again; spread out calls (especially searches and writes).` : 'wait a minute and call again; spread out calls.',
      status,
    );
  }
  switch (status) {
    case 401:
      return new GitHubApiError(
        `GitHub rejected the token (401 Unauthorized): GITHUB_PERSONAL_ACCESS_TOKEN is invalid, expired or revoked.`,
        'unauthorized',
        'the operator must create a new token (https://github.com/settings/tokens) and restart the server with it; retrying will not help.',
        status,
      );
    case 403: {
      const scopes = missingScopes(e);
      if (scopes) {
        return new GitHubApiError(
          `the token lacks the scope needed for ${what} (403 Forbidden): this endpoint accepts ${scopes.accepted.map((s) => `"${s}"`).join(' or ')}, the token has ${scopes.has.length ? scopes.has.map((s) => `"${s}"`).join(', ') : 'no scopes'}.`,
          'missing_scope',
          `the operator must add the "${scopes.accepted[0]}" scope to the token (or use a token that has it); retrying will not help.`,
          status,
        );
      }
      const permission = header(e, 'x-accepted-github-permissions');
      if (permission) {
        return new GitHubApiError(
          `the token is not allowed ${what} (403 Forbidden): it needs the fine-grained permission ${permission}.${quoted}`,
          'missing_scope',
          `the operator must grant the token "${permission}" on this repository; retrying will not help.`,
          status,
        );
      }
      const sso = header(e, 'x-github-sso');
      return new GitHubApiError(
        `GitHub refused ${what} (403 Forbidden): the token is valid but not allowed to do this.${quoted}`,
        'forbidden',
        sso ? 'the organization requires SAML single sign-on: the operator must authorize the token for it.' : 'check that the token has access to this repository or organization, and that the action is permitted there.',
        status,
      );
    }
    case 404:
      return new GitHubApiError(
        `${what} was not found, or the token has no access to it (404: GitHub answers "not found" for private things the token cannot see).`,
        'not_found',
        'check the owner, repository, number, branch or path (names are case-insensitive, but must exist); if it is private, the token needs access to it.',
        status,
      );
    case 405:
      return new GitHubApiError(
        `GitHub does not allow ${what} in its current state (405 Method Not Allowed).${quoted}`,
        'not_mergeable',
        'check its state (for a pull request: mergeable, checks passing, not a draft) and try again when it allows it.',
        status,
      );
    case 409:
      return new GitHubApiError(
        `conflict on ${what} (409 Conflict): it changed since you last read it, or it is in a state that does not allow this.${quoted}`,
        'conflict',
        'read the current state again (fresh sha or head), then retry with it.',
        status,
      );
    case 410:
      return new GitHubApiError(`${what} is gone (410 Gone): it was removed or the feature is disabled on this repository.${quoted}`, 'gone', undefined, status);
    case 422: {
      const details = validationDetails(e);
      const list = details.length ? ` ${details.join('; ')}.` : '';
      return new GitHubApiError(
        `GitHub rejected the input for ${what} (422 Validation Failed).${list}${message && message !== 'Validation Failed' ? ` GitHub said: "${message}".` : ''}`,
        'validation_failed',
        'fix the named field(s) and call again.',
        status,
      );
    }
    case 400:
      return new GitHubApiError(`GitHub could not parse the request for ${what} (400 Bad Request).${quoted}`, 'bad_request', 'check the arguments and call again.', status);
    default:
      if (status >= 500) {
        return new GitHubApiError(
          `GitHub had a server error while handling ${what} (HTTP ${status}).${quoted}`,
          'upstream_error',
          'this is on GitHub\'s side; try again in a little while.',
          status,
        );
      }
      return new GitHubApiError(`GitHub answered HTTP ${status} for ${what}.${quoted}`, 'upstream_error', undefined, status);
  }
}
