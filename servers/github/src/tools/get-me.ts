import { z } from '@portico/protocol';
import { githubTool, READ_ONLY } from './shared.js';

export const getMe = githubTool({
  name: 'get_me',
  title: 'Who am I',
  description: 'Returns the GitHub account the token belongs to, its token scopes (classic tokens), and the repositories this server is limited to. Use it first when unsure which account or access you have.',
  toolset: 'context',
  input: z.object({}),
  output: z.object({
    login: z.string().nullable().describe('Login of the token owner (null for app tokens).'),
    name: z.string().nullable().describe('Display name.'),
    type: z.string().nullable().describe('User or Bot.'),
    html_url: z.string().nullable().describe('Profile page.'),
    scopes: z.array(z.string()).nullable().describe('Classic token scopes; null for fine-grained tokens.'),
    repositories: z.array(z.string()).nullable().describe('GITHUB_REPOSITORIES patterns this server is limited to, or null for no limit.'),
  }),
  annotations: READ_ONLY,
  async handler(_args, { deps, signal }) {
    const me = await deps.github.identity(signal);
    const repositories = deps.github.allowList.restricted ? [...deps.github.allowList.patterns] : null;
    const text = [
      `Token belongs to ${me.login ?? '(unknown: app token)'}${me.name ? ` (${me.name})` : ''}.`,
      me.scopes ? `Scopes: ${me.scopes.join(', ') || 'none'}.` : 'Scopes: not reported (fine-grained token).',
      repositories ? `Limited to repositories: ${repositories.join(', ')}.` : 'No repository limit.',
    ].join('\n');
    return { structured: { ...me, repositories }, text };
  },
});
