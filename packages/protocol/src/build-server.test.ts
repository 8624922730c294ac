/** Progress, cancellation and result shaping through a real in-memory client. */
import { describe, expect, it } from 'vitest';
import { connectInMemory, textOf, toolInvariantProblems } from './testing/index.js';
import { defineServer } from './define.js';
import { echoDeps, echoServer, type EchoDeps } from './test-fixtures/echo-server.js';

describe('buildMcpServer', () => {
  it('sends progress notifications when the client asks for them', async () => {
    const c = await connectInMemory(echoServer, { deps: echoDeps() });
    const seen: unknown[] = [];
    const result = await c.callTool('slow', { steps: 30 }, { onprogress: (p) => seen.push(p) });
    expect(result.structuredContent).toEqual({ done: 30 });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toMatchObject({ total: 30 });
    await c.close();
  });

  it('stops a handler when the client cancels', async () => {
    const deps = echoDeps();
    const c = await connectInMemory(echoServer, { deps });
    const controller = new AbortController();
    const pending = c.callTool('slow', { steps: 1000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toThrow();
    // The client rejects on its own; what matters is that the server's handler saw the cancellation and
    // stopped well short of its 1000 steps (10 s of work). Poll, bounded, until the handler has returned.
    for (let i = 0; i < 100 && deps.slowStepsDone === undefined; i++) await new Promise((r) => setTimeout(r, 10));
    expect(deps.slowStepsDone).toBeDefined();
    expect(deps.slowStepsDone!).toBeLessThan(1000);
    // The server is still responsive afterwards.
    expect(textOf(await c.callTool('echo', { text: 'ok' }))).toContain('ok');
    await c.close();
  });

  it('renders structured content as text when the handler gives none', async () => {
    const c = await connectInMemory(echoServer, { deps: echoDeps() });
    const result = await c.callTool('echo', { text: 'x' });
    expect(JSON.parse(textOf(result))).toEqual(result.structuredContent);
    await c.close();
  });

  it('validates arguments before the handler runs', async () => {
    const c = await connectInMemory(echoServer, { deps: echoDeps() });
    const result = await c.callTool('echo', { text: 42 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/text/);
    await c.close();
  });

  it('publishes tools that satisfy the contract invariants', async () => {
    const c = await connectInMemory(echoServer, { deps: echoDeps() });
    const problems = toolInvariantProblems(await c.listTools());
    expect(problems).toEqual([]);
    await c.close();
  });

  it('reports what breaks the invariants', () => {
    const problems = toolInvariantProblems([
      { name: 'BadName', description: 'x', inputSchema: { type: 'object', properties: { a: { type: 'string' } } }, annotations: { readOnlyHint: false } },
    ] as never);
    expect(problems).toEqual(
      expect.arrayContaining([
        'tool BadName: name is not snake_case',
        'tool BadName: missing or too-short description',
        'tool BadName: openWorldHint missing',
        'tool BadName: writer without destructiveHint',
        'tool BadName: input field "a" has no description',
      ]),
    );
  });
});

describe('resources/subscribe on a fixed resource', () => {
  /** A server with one watchable fixed resource whose changes the test fires by hand, and one that is not. */
  function watchedServer() {
    const listeners = new Set<() => void>();
    const definition = defineServer<EchoDeps>({
      ...echoServer,
      resources: [
        {
          name: 'counter',
          uri: 'memo://counter',
          async read(uri) {
            return { contents: [{ uri: uri.href, text: 'n' }] };
          },
          async subscribe(_uri, changed) {
            listeners.add(changed);
            return () => void listeners.delete(changed);
          },
        },
        {
          name: 'static',
          uri: 'memo://static',
          async read(uri) {
            return { contents: [{ uri: uri.href, text: 'fixed' }] };
          },
        },
      ],
    });
    return { definition, listeners, fire: () => listeners.forEach((l) => l()) };
  }

  it('advertises subscribe, delivers updates while subscribed, and stops the watch on unsubscribe and on close', async () => {
    const { definition, listeners, fire } = watchedServer();
    const c = await connectInMemory(definition, { deps: echoDeps() });
    const updated: string[] = [];
    c.client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
    expect(c.client.getServerCapabilities()?.resources?.subscribe).toBe(true);

    await c.client.subscribeResource({ uri: 'memo://counter' });
    await c.client.subscribeResource({ uri: 'memo://counter' }); // a second subscribe keeps one watch
    expect(listeners.size).toBe(1);
    fire();
    await expect.poll(() => updated).toEqual(['memo://counter']);

    await c.client.unsubscribeResource({ uri: 'memo://counter' });
    expect(listeners.size).toBe(0);
    await expect(c.client.subscribeResource({ uri: 'memo://static' })).rejects.toThrow(/not a resource this server can watch/);

    await c.client.subscribeResource({ uri: 'memo://counter' });
    expect(listeners.size).toBe(1);
    await c.close();
    expect(listeners.size).toBe(0);
  });

  it('a server whose resources cannot be watched does not advertise subscribe', async () => {
    const { definition } = watchedServer();
    const plain = defineServer<EchoDeps>({ ...definition, resources: definition.resources!.filter((r) => !r.subscribe) });
    const c = await connectInMemory(plain, { deps: echoDeps() });
    expect(c.client.getServerCapabilities()?.resources).toBeDefined();
    expect(c.client.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
    await c.close();
  });
});
