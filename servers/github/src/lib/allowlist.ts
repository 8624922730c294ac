/**
 * GITHUB_REPOSITORIES: the operator's list of owner/repo patterns (`acme/widgets`, `acme/*`). When set, every
 * call is limited to matching repositories and search results outside them are dropped. GitHub names are
 * case-insensitive, so matching is too.
 */

export class RepositoryNotAllowedError extends Error {
  constructor(readonly fullName: string, readonly patterns: readonly string[]) {
    super(`${fullName} is outside the repositories this server may use (GITHUB_REPOSITORIES=${patterns.join(',')}).`);
    this.name = 'RepositoryNotAllowedError';
  }
}

const OWNER_PATTERN = /^(\*|[A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/;
const REPO_PATTERN = /^(\*|[A-Za-z0-9._-]{1,100})$/;

export class RepositoryAllowList {
  private readonly rules: { owner: string; repo: string }[];

  /** `patterns` undefined or empty: every repository is allowed. */
  constructor(readonly patterns: readonly string[] = []) {
    this.rules = patterns.map((p) => {
      const [owner = '', repo = ''] = p.split('/');
      return { owner: owner.toLowerCase(), repo: repo.toLowerCase() };
    });
  }

  /** Validates operator patterns; returns the first problem as a sentence, or undefined. */
  static problemWith(pattern: string): string | undefined {
    const parts = pattern.split('/');
    if (parts.length !== 2) return `"${pattern}" is not owner/repo (use e.g. acme/widgets or acme/*)`;
    const [owner, repo] = parts as [string, string];
    if (!OWNER_PATTERN.test(owner)) return `"${pattern}": "${owner}" is not a GitHub owner name or *`;
    if (!REPO_PATTERN.test(repo) || repo === '.' || repo === '..') return `"${pattern}": "${repo}" is not a repository name or *`;
    return undefined;
  }

  get restricted(): boolean {
    return this.rules.length > 0;
  }

  allows(owner: string, repo: string): boolean {
    if (!this.restricted) return true;
    const o = owner.toLowerCase();
    const r = repo.toLowerCase();
    return this.rules.some((rule) => (rule.owner === '*' || rule.owner === o) && (rule.repo === '*' || rule.repo === r));
  }

  /** `owner/repo` form; anything that is not exactly two parts is refused when restricted. */
  allowsFullName(fullName: string | undefined | null): boolean {
    if (!this.restricted) return true;
    if (!fullName) return false;
    const parts = fullName.split('/');
    return parts.length === 2 && this.allows(parts[0]!, parts[1]!);
  }

  assert(owner: string, repo: string): void {
    if (!this.allows(owner, repo)) throw new RepositoryNotAllowedError(`${owner}/${repo}`, this.patterns);
  }
}
