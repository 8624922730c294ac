import { defineTool, z } from '@portico/protocol';
import type { SlackDeps } from '../deps.js';
import { checkUserId } from '../lib/validate.js';
import { guard } from './common.js';

interface RawProfile {
  real_name?: string;
  display_name?: string;
  title?: string;
  email?: string;
  phone?: string;
  status_text?: string;
  status_emoji?: string;
  pronouns?: string;
  image_72?: string;
  fields?: Record<string, { value?: string; alt?: string; label?: string }> | null;
}

export const slackGetUserProfile = defineTool({
  name: 'slack_get_user_profile',
  title: 'Get a user profile',
  description: 'Gets the profile of one user: names, title, status, time zone, email and custom fields where the token may see them.',
  toolset: 'users',
  input: z.object({ user_id: z.string().min(1).max(40).describe('The ID of the user (U0123ABCD); slack_find_user finds it from a name or email.') }),
  output: z.object({
    user_id: z.string().describe('The user.'),
    real_name: z.string().optional().describe('Full name.'),
    display_name: z.string().optional().describe('Display name.'),
    title: z.string().optional().describe('Job title.'),
    email: z.string().optional().describe('Email (needs users:read.email).'),
    phone: z.string().optional().describe('Phone number, if set.'),
    pronouns: z.string().optional().describe('Pronouns, if set.'),
    status: z.string().optional().describe('Status emoji and text.'),
    image: z.string().optional().describe('Avatar URL (72 px).'),
    fields: z.array(z.object({ label: z.string().describe('Field label.'), value: z.string().describe('Field value.') })).optional().describe('Custom profile fields.'),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(args, { deps, signal }: { deps: SlackDeps; signal: AbortSignal }) {
    return guard(async () => {
      const user = checkUserId(args.user_id);
      const result = await deps.api.call('users.profile.get', { user, include_labels: true }, { signal });
      const p = (result.profile as RawProfile | undefined) ?? {};
      const status = [p.status_emoji, p.status_text].filter(Boolean).join(' ');
      const fields = Object.values(p.fields ?? {})
        .filter((f) => f.value)
        .map((f) => ({ label: f.label ?? '', value: f.alt || f.value || '' }));
      const out = {
        user_id: user,
        ...(p.real_name ? { real_name: p.real_name } : {}),
        ...(p.display_name ? { display_name: p.display_name } : {}),
        ...(p.title ? { title: p.title } : {}),
        ...(p.email ? { email: p.email } : {}),
        ...(p.phone ? { phone: p.phone } : {}),
        ...(p.pronouns ? { pronouns: p.pronouns } : {}),
        ...(status ? { status } : {}),
        ...(p.image_72 ? { image: p.image_72 } : {}),
        ...(fields.length ? { fields } : {}),
      };
      const lines = Object.entries(out)
        .filter(([k]) => k !== 'fields')
        .map(([k, v]) => `${k}: ${String(v)}`);
      for (const f of fields) lines.push(`${f.label}: ${f.value}`);
      return { structured: out, text: lines.join('\n') };
    });
  },
});
