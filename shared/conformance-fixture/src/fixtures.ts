/**
 * The conformance suite's fixture surface, defined the way every Portico server defines its own: tools,
 * resources and prompts as data on @portico/protocol. Names and payloads follow the suite's scenario texts.
 */
import { completable, ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import { defineServer, defineTool, definePrompt, readPackageInfo, ToolError, z, type ToolContext } from '@portico/protocol';

// A 1x1 PNG and a tiny WAV header, enough for content-type checks.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const WAV = 'UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA=';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const noArgs = z.object({});
const ro = { readOnlyHint: true, openWorldHint: false } as const;

const tools = [
  defineTool({
    name: 'test_simple_text', title: 'Simple text', description: 'Returns a simple text response.', input: noArgs, annotations: ro,
    async handler() {
      return { text: 'This is a simple text response for testing.' };
    },
  }),
  defineTool({
    name: 'test_image_content', title: 'Image', description: 'Returns an image content block.', input: noArgs, annotations: ro,
    async handler() {
      return { text: '', content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] };
    },
  }),
  defineTool({
    name: 'test_audio_content', title: 'Audio', description: 'Returns an audio content block.', input: noArgs, annotations: ro,
    async handler() {
      return { text: '', content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] };
    },
  }),
  defineTool({
    name: 'test_embedded_resource', title: 'Embedded resource', description: 'Returns an embedded resource.', input: noArgs, annotations: ro,
    async handler() {
      return { text: '', content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] };
    },
  }),
  defineTool({
    name: 'test_multiple_content_types', title: 'Mixed content', description: 'Returns text, image and resource blocks.', input: noArgs, annotations: ro,
    async handler() {
      return {
        text: 'Multiple content types test:',
        content: [
          { type: 'image', data: PNG, mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } },
        ],
      };
    },
  }),
  defineTool({
    name: 'test_tool_with_logging', title: 'Logging', description: 'Sends three log notifications while it runs.', input: noArgs, annotations: ro,
    async handler(_a, ctx) {
      await ctx.notify('info', 'Tool execution started');
      await sleep(50);
      await ctx.notify('info', 'Tool processing data');
      await sleep(50);
      await ctx.notify('info', 'Tool execution completed');
      return { text: 'Logging tool finished.' };
    },
  }),
  defineTool({
    name: 'test_error_handling', title: 'Error', description: 'Always fails with an isError result.', input: noArgs, annotations: ro,
    async handler() {
      throw new ToolError('This tool intentionally returns an error for testing');
    },
  }),
  defineTool({
    name: 'test_tool_with_progress', title: 'Progress', description: 'Reports progress 0, 50 and 100 of 100.', input: noArgs, annotations: ro,
    async handler(_a, ctx) {
      await ctx.progress(0, 100);
      await sleep(50);
      await ctx.progress(50, 100);
      await sleep(50);
      await ctx.progress(100, 100);
      return { text: 'Progress tool finished.' };
    },
  }),
  defineTool({
    name: 'test_sampling', title: 'Sampling', description: 'Asks the client model to answer a prompt.',
    input: z.object({ prompt: z.string().describe('The prompt to send to the LLM') }), annotations: ro,
    async handler({ prompt }, ctx: ToolContext) {
      const answer = await ctx.sample(prompt, 100);
      if (answer === undefined) throw new ToolError('this client does not support sampling.');
      return { text: `LLM response: ${answer}` };
    },
  }),
  defineTool({
    name: 'test_elicitation', title: 'Elicitation', description: 'Asks the user for a username and email.',
    input: z.object({ message: z.string().describe('The message to show the user') }), annotations: ro,
    async handler({ message }, ctx) {
      const answer = await ctx.elicit(message, {
        type: 'object',
        properties: { username: { type: 'string', description: "User's response" }, email: { type: 'string', description: "User's email address" } },
        required: ['username', 'email'],
      });
      if (!answer) throw new ToolError('this client does not support elicitation.');
      return { text: `User response: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}` };
    },
  }),
  defineTool({
    name: 'test_elicitation_sep1034_defaults', title: 'Elicitation defaults', description: 'Elicits with defaults for every primitive type.', input: noArgs, annotations: ro,
    async handler(_a, ctx) {
      const answer = await ctx.elicit('Please review and update the form fields with defaults', {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      });
      if (!answer) throw new ToolError('this client does not support elicitation.');
      return { text: `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}` };
    },
  }),
  defineTool({
    name: 'test_elicitation_sep1330_enums', title: 'Elicitation enums', description: 'Elicits with every enum schema variant.', input: noArgs, annotations: ro,
    async handler(_a, ctx) {
      const answer = await ctx.elicit('Please select options from the enum fields', {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', description: 'Select one option', enum: ['option1', 'option2', 'option3'] },
          titledSingle: { type: 'string', description: 'Select one option with titles', oneOf: [{ const: 'value1', title: 'First Option' }, { const: 'value2', title: 'Second Option' }, { const: 'value3', title: 'Third Option' }] },
          legacyEnum: { type: 'string', description: 'Select one option (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', description: 'Select multiple options', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: { type: 'array', description: 'Select multiple options with titles', minItems: 1, maxItems: 3, items: { anyOf: [{ const: 'value1', title: 'First Choice' }, { const: 'value2', title: 'Second Choice' }, { const: 'value3', title: 'Third Choice' }] } },
        },
        required: [],
      });
      if (!answer) throw new ToolError('this client does not support elicitation.');
      return { text: `Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}` };
    },
  }),
];

const prompts = [
  definePrompt({
    name: 'test_simple_prompt', description: 'A simple prompt without arguments',
    async get() {
      return { messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }] };
    },
  }),
  definePrompt({
    name: 'test_prompt_with_arguments', description: 'A prompt with required arguments',
    args: z.object({
      arg1: completable(z.string().describe('First test argument'), (value: string) => ['paris', 'park', 'party'].filter((v) => v.startsWith(value))),
      arg2: z.string().describe('Second test argument'),
    }),
    async get({ arg1, arg2 }) {
      return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${arg1}', arg2='${arg2}'` } }] };
    },
  }),
  definePrompt({
    name: 'test_prompt_with_embedded_resource', description: 'A prompt that includes an embedded resource',
    args: z.object({ resourceUri: z.string().describe('URI of the resource to embed') }),
    async get({ resourceUri }) {
      return {
        messages: [
          { role: 'user', content: { type: 'resource', resource: { uri: resourceUri, mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
          { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
        ],
      };
    },
  }),
  definePrompt({
    name: 'test_prompt_with_image', description: 'A prompt that includes image content',
    async get() {
      return {
        messages: [
          { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
          { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
        ],
      };
    },
  }),
];

export const fixtureServer = defineServer({
  name: 'conformance-fixture',
  package: readPackageInfo(import.meta.url),
  defaultPort: 3399,
  tools,
  prompts,
  resources: [
    {
      name: 'static-text', uri: 'test://static-text', mimeType: 'text/plain', description: 'A static text resource',
      async read() {
        return { contents: [{ uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] };
      },
    },
    {
      name: 'static-binary', uri: 'test://static-binary', mimeType: 'image/png', description: 'A static binary resource',
      async read() {
        return { contents: [{ uri: 'test://static-binary', mimeType: 'image/png', blob: PNG }] };
      },
    },
    {
      name: 'watched-resource', uri: 'test://watched-resource', mimeType: 'text/plain', description: 'A resource that can be subscribed to',
      async read() {
        return { contents: [{ uri: 'test://watched-resource', mimeType: 'text/plain', text: 'Watched resource content.' }] };
      },
    },
  ],
  resourceTemplates: [
    {
      name: 'template', uriTemplate: 'test://template/{id}/data', mimeType: 'application/json', description: 'A resource template with a parameter',
      async read(uri, variables) {
        return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ id: variables.id, templateTest: true, data: `Data for ID: ${variables.id}` }) }] };
      },
    },
  ],
  extend(server: McpServer) {
    // Subscriptions have no data shape in @portico/protocol yet: register them on the SDK server directly.
    const subscriptions = new Set<string>();
    server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
    server.server.setRequestHandler('resources/subscribe', async (request) => {
      subscriptions.add(request.params.uri);
      return {};
    });
    server.server.setRequestHandler('resources/unsubscribe', async (request) => {
      subscriptions.delete(request.params.uri);
      return {};
    });
    void ResourceTemplate;
  },
});
