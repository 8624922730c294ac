/** The official server's mcp-demo prompt: a guided demo that seeds the database around a topic. */
import { definePrompt, z } from '@portico/protocol';
import type { SqliteDeps } from './deps.js';

function demoText(topic: string): string {
  return `You are giving the user a short, lively demo of the Model Context Protocol (MCP) using this SQLite server. The user picked the topic: ${topic}.

First explain in two or three sentences what MCP is: a way for an assistant to use prompts (like this one), tools (SQL tools here) and resources (a memo here) offered by a server the user installed.

The server offers these tools:
- list_tables, describe_table: see what is in the database
- create_table, write_query, execute_script: create tables and add data (execute_script runs several statements in one transaction)
- read_query, explain_query: query the data (read-only) and see query plans
- append_insight: add a finding to the memo resource memo://insights

Run the demo in steps, pausing for the user's choice between steps:
1. Invent a short business situation around "${topic}" in which the user must answer a question from data before a deadline, with a light, humorous reason why the data is not ready.
2. Say you are "setting up the data", then design 2-3 related tables, create them, and insert 10-15 realistic rows into each. Do not ask the user for the data.
3. Summarise what was created and offer a few questions the user could ask, in plain language, as a numbered list.
4. For the chosen question, write and run a query, explain the result, and record any business insight with append_insight. Offer one more round of questions, then move on (keep the demo short).
5. Build a small dashboard (an artifact if the host supports it) that presents the results with tables or charts.
6. Tell the user the memo at memo://insights was updated along the way and how to attach it from their host's resources menu, then present the final memo.
7. Close by saying this was a glimpse of what the SQLite MCP server can do.

Keep everything consistent with the topic, readable and in character. Start with something like "Hi! I see you chose ${topic}. Let's get started! 🚀"`;
}

export const mcpDemo = definePrompt<SqliteDeps, z.ZodObject<{ topic: z.ZodString }>>({
  name: 'mcp-demo',
  title: 'SQLite MCP demo',
  description: 'A prompt to seed the database with initial data and demonstrate what you can do with an SQLite MCP Server + Claude',
  args: z.object({ topic: z.string().min(1).max(500).describe('Topic to seed the database with initial data') }),
  async get({ topic }) {
    return {
      description: `Demo template for ${topic}`,
      messages: [{ role: 'user', content: { type: 'text', text: demoText(topic) } }],
    };
  },
});
