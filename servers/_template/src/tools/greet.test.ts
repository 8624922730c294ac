import { describe, expect, it } from 'vitest';
import { connectInMemory, textOf } from '@portico/protocol/testing';
import { server } from '../server.js';
import { createDeps } from '../deps.js';
import { createLogger } from '@portico/protocol';

const deps = () => createDeps({ greeting: 'Hi' }, { log: createLogger({ name: 't', level: 'error' }), common: {} as never });

describe('greet', () => {
  it('greets by name with structured content matching the text', async () => {
    const c = await connectInMemory(server, { deps: deps() });
    const result = await c.callTool('greet', { name: 'Ada' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ message: 'Hi, Ada!' });
    expect(textOf(result)).toBe('Hi, Ada!');
    await c.close();
  });

  it('rejects an empty name with an isError result', async () => {
    const c = await connectInMemory(server, { deps: deps() });
    const result = await c.callTool('greet', { name: '' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/name/);
    await c.close();
  });
});
