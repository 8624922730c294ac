/**
 * Canary secrets: fake credentials with a recognisable shape, defined once, used as the tokens and passwords
 * of test, load, soak and conformance runs. Nothing a Portico server prints or returns may ever contain one;
 * `scripts/secrets/grep-canaries.mjs DIR...` greps everything those runs captured for them (CI: zero hits).
 *
 * They look like the real thing (prefixes, lengths) so that any code that special-cases a credential's shape
 * treats them as credentials. They use only [A-Za-z0-9_-], so URL encoding, JSON escaping and shell quoting
 * leave them unchanged and a plain byte search finds every copy. Each contains "Canary" so a hit is
 * unmistakable in a log. None is valid anywhere.
 */
export const CANARIES = {
  /** A classic GitHub personal access token: `ghp_` + 36 characters. */
  githubPat: 'ghp_PorticoCanaryGitHubPat0000a1b2c3d4e5',
  /** A Slack bot token. */
  slackBotToken: 'xoxb-000000000000-000000000000-PorticoCanarySlackBot0',
  /** A Slack user token. */
  slackUserToken: 'xoxp-000000000000-000000000000-PorticoCanarySlackUser',
  /** The bearer token HTTP clients send to a Portico server (at least 16 characters, as config requires). */
  httpBearerToken: 'PorticoCanaryHttpBearer-7d41c9e2a05b8f36',
  /** The PostgreSQL superuser password of embedded test clusters started for these runs. */
  postgresPassword: 'PorticoCanaryPgPassword-3b9e0f6a1c84d2',
} as const;

export type CanaryName = keyof typeof CANARIES;

/** Every canary value, for greps. */
export const CANARY_VALUES: readonly string[] = Object.values(CANARIES);
