import { describe, expect, it } from 'vitest';
import { selectTools } from './inventory.js';
import { ConfigError } from './errors.js';
import { echoServer } from './test-fixtures/echo-server.js';

const names = (t: { name: string }[]) => t.map((x) => x.name);

describe('selectTools', () => {
  it('keeps everything by default', () => {
    expect(names(selectTools(echoServer.tools, { readOnly: false }))).toEqual(['echo', 'show_roots', 'fail', 'slow', 'write_thing', 'delete_thing', 'put_thing', 'search_things']);
  });
  it('--read-only removes every writer', () => {
    const kept = names(selectTools(echoServer.tools, { readOnly: true }));
    for (const writer of ['write_thing', 'delete_thing', 'put_thing']) expect(kept).not.toContain(writer);
    expect(kept).toContain('search_things');
  });
  it('--toolsets, --tools and --exclude-tools choose', () => {
    expect(names(selectTools(echoServer.tools, { readOnly: false, toolsets: ['writes'] }))).toEqual(['write_thing', 'delete_thing', 'put_thing']);
    expect(names(selectTools(echoServer.tools, { readOnly: false, tools: ['echo', 'fail'] }))).toEqual(['echo', 'fail']);
    expect(names(selectTools(echoServer.tools, { readOnly: false, excludeTools: ['slow'] }))).not.toContain('slow');
  });
  it('refuses unknown names', () => {
    expect(() => selectTools(echoServer.tools, { readOnly: false, tools: ['ech0'] })).toThrow(ConfigError);
    expect(() => selectTools(echoServer.tools, { readOnly: false, toolsets: ['nope'] })).toThrow(/unknown toolset "nope"/);
  });
});
