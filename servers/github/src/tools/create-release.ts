import { z } from '@portico/protocol';
import { createRelease as create } from '../lib/releases.js';
import { releaseShape } from '../lib/shapes.js';
import { releaseLine } from './render.js';
import { githubTool, ownerField, repoField, writer } from './shared.js';

export const createRelease = githubTool({
  name: 'create_release',
  title: 'Create a release',
  description: 'Creates a release for a tag (the tag is created from target_commitish if it does not exist). Use draft to prepare one without publishing.',
  toolset: 'releases',
  input: z.object({
    owner: ownerField,
    repo: repoField,
    tag_name: z.string().min(1).max(255).describe('Tag, e.g. "v1.2.0".'),
    target_commitish: z.string().max(255).optional().describe('Branch or commit SHA to tag when the tag does not exist (default: the default branch).'),
    name: z.string().max(255).optional().describe('Release title (default: the tag).'),
    body: z.string().max(125_000).optional().describe('Release notes in Markdown.'),
    draft: z.boolean().optional().describe('Create it as an unpublished draft.'),
    prerelease: z.boolean().optional().describe('Mark it as a pre-release.'),
    generate_release_notes: z.boolean().optional().describe('Let GitHub write the notes from merged pull requests.'),
  }),
  output: releaseShape,
  annotations: writer(false, false),
  auditOmit: ['body'],
  async handler(args, { deps, signal }) {
    const r = await create(deps.github, args, signal);
    return { structured: r, text: `Created release ${releaseLine(r)}\n${r.html_url}` };
  },
});
