/**
 * The layout of `src/` is the architecture (docs/architecture.md), and this test keeps the imports
 * true to it, as the route walk keeps every route naming a permission:
 * - a module (a folder right under `src/`) is entered from outside only through its `index.ts`;
 * - a domain never imports an edge (`http`, `cli`, `gateway`, `server`, `main.ts`);
 * - no import cycle, type imports included: modules form layers, so a change in one can only
 *   break the ones above it.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cycles, type ImportEdge, importGraph, moduleOf } from './support/imports.js';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

const EDGES = new Set(['http', 'cli', 'gateway', 'server', 'main.ts']);

/** Modules whose files are each their own face: `lib/` holds small helpers with no domain knowledge. */
const OPEN = new Set(['lib']);

/** The few imports allowed past a module's face, each with its reason. */
const EXCEPTIONS: Array<{ from: RegExp; to: string; why: string }> = [
  {
    from: /^server\//,
    to: 'dataplane/local/index.ts',
    why: 'the composition root picks the data plane implementation (and runs the control cluster with it)',
  },
];

const graph = importGraph(SRC);
const crossing = (e: ImportEdge) => moduleOf(e.from) !== moduleOf(e.to);
const show = (e: ImportEdge) => `${e.from} -> ${e.to}`;

describe('the imports of src/', () => {
  it('reads the graph (a broken walk would pass every rule)', () => {
    expect(graph.length).toBeGreaterThan(500);
    expect(graph.some((e) => e.from === 'main.ts' && e.to === 'cli/index.ts')).toBe(true);
    expect(graph.some((e) => e.typeOnly)).toBe(true);
  });

  it('enters another module only through its index.ts', () => {
    const past = graph.filter(
      (e) =>
        crossing(e) &&
        !OPEN.has(moduleOf(e.to)) &&
        e.to !== `${moduleOf(e.to)}/index.ts` &&
        !EXCEPTIONS.some((x) => x.from.test(e.from) && x.to === e.to),
    );
    expect(past.map(show)).toEqual([]);
  });

  it('never imports an edge from a domain', () => {
    const up = graph.filter((e) => crossing(e) && !EDGES.has(moduleOf(e.from)) && EDGES.has(moduleOf(e.to)));
    expect(up.map(show)).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph).map((c) => c.join(' -> '))).toEqual([]);
  });

  it("keeps the CLI's client commands off the server's code, so every `ward` command starts quickly", () => {
    // Each CLI call is a process; loading the server's modules (pg, Kysely, the writer) added
    // about 0.15 s to each. `ward up` loads the server by a dynamic import of its own.
    const next = new Map<string, string[]>();
    for (const e of graph.filter((e) => !e.typeOnly && !e.dynamic))
      next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    const loaded = new Set<string>();
    const visit = (f: string) => {
      if (loaded.has(f)) return;
      loaded.add(f);
      for (const t of next.get(f) ?? []) visit(t);
    };
    visit('cli/commands.ts');
    expect(loaded.size).toBeGreaterThan(10);
    expect([...loaded].filter((f) => !['cli', 'lib', 'evidence'].includes(moduleOf(f)))).toEqual([]);
  });

  it('has no cycle between modules, so the modules form layers', () => {
    const modules = graph.filter(crossing).map((e) => ({ from: moduleOf(e.from), to: moduleOf(e.to) }));
    expect(cycles(modules).map((c) => c.join(' <-> '))).toEqual([]);
  });
});
