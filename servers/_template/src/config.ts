/** The template's own settings: one optional greeting, from a flag or the environment. */
import { ConfigError, type ConfigSpec } from '@portico/protocol';

export interface TemplateConfig {
  greeting: string;
}

export const config: ConfigSpec<TemplateConfig> = {
  usage: '[options]',
  options: {
    greeting: { type: 'string', env: 'TEMPLATE_GREETING', placeholder: 'TEXT', description: 'word the greet tool starts with (default Hello)' },
  },
  parse({ values }) {
    const greeting = (values.greeting as string | undefined) ?? 'Hello';
    if (greeting.length > 40) throw new ConfigError('--greeting must be at most 40 characters.', '--greeting');
    return { greeting };
  },
};
