/** Progress, cancellation and result shaping through a real in-memory client. */
import { describe, expect, it } from 'vitest';
import { connectInMemory, textOf, toolInvariantProblems } from './testing/index.js';
import { echoDeps, echoServer } from './test-fixtures/echo-server.js';

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
