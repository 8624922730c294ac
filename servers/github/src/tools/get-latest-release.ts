import { delimitUntrusted, z } from '@portico/protocol';
import { latestRelease } from '../lib/releases.js';
import { releaseShape } from '../lib/shapes.js';
import { releaseLine } from './render.js';
import { githubTool, ownerField, READ_ONLY, repoField } from './shared.js';

export const getLatestRelease = githubTool({
  name: 'get_latest_release',
  title: 'Get the latest release',
  description: 'Returns the latest published, non-pre-release release of a repository with its notes and assets.',
  toolset: 'releases',
  input: z.object({ owner: ownerField, repo: repoField }),
  output: releaseShape,
  annotations: READ_ONLY,
  async handler(args, { deps, signal }) {
    const r = await latestRelease(deps.github, args, signal);
    const assets = r.assets.map((a) => `  ${a.name} (${a.size} bytes): ${a.url}`);
    return { structured: r, text: `${releaseLine(r)}\n${r.html_url}${assets.length ? `\nAssets:\n${assets.join('\n')}` : ''}${r.body ? `\n\n${delimitUntrusted(r.body, `github release ${args.owner}/${args.repo}@${r.tag_name}`)}` : ''}` };
  },
});
