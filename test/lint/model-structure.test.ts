/**
 * The model's structure (the ports design, docs/architecture.md "The model"): model/ has no import
 * cycle, type-only imports included; no file under a model/ subfolder imports the machine (parts
 * get a context and ports, model/machine.ts wires them); no model source file is over 500 lines;
 * and every event kind is registered by exactly one part's table.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeSystem, resolveTarget } from '../../scenarios/operations.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { EventRegistry, eventTable } from '../../sim/event-table.js';

const MODEL = join(REPO_ROOT, 'model');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Every relative import (`import … from`, `import type … from`, `export … from`), as resolved .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    out.push(resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
  }
  return out;
}

/** The cycles of a graph (one per strongly connected component with more than one node or a self-loop). */
export function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        on.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

const files = tsFiles(MODEL);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(REPO_ROOT, f);

test('model: the import graph (type-only imports included) has no cycle', (t) => {
  const cycles = cyclesOf(graph).map((c) => c.map(rel).sort().join(' <-> '));
  t.deepEqual(cycles, []);
});

test('model: the cycle finder finds a planted cycle (so the test above can fail)', (t) => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  t.deepEqual(cyclesOf(g).map((c) => c.sort()), [['a', 'b', 'c']]);
});

test('model: no file under a model/ subfolder imports model/machine.ts', (t) => {
  const machine = join(MODEL, 'machine.ts');
  const offenders = files.filter((f) => dirname(f) !== MODEL && graph.get(f)!.includes(machine)).map(rel);
  t.deepEqual(offenders, []);
});

test('model: no source file is longer than 500 lines', (t) => {
  const long = files.map((f) => [rel(f), readFileSync(f, 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > 500);
  t.deepEqual(long, []);
});

test('events: every scenario wires a machine whose kinds are unique and whose names are unique', (t) => {
  for (const s of SCENARIOS) {
    for (const profile of ['reference', 'eclipse-b'] as const) {
      const m = makeSystem(resolveTarget(s.name, profile, [])).machine;
      const names = m.events.events.filter((d) => d !== undefined).map((d) => d!.name);
      t.is(new Set(names).size, names.length, `${s.name} ${profile}: event names are unique`);
      t.true(names.includes('drv.init-step') && names.includes('dev.fetch') && names.includes('irq.deliver'), `${s.name}: the VirtIO parts registered their events`);
    }
  }
});

test('events: a kind registered twice is a wiring error, and an unregistered kind is an engine error', (t) => {
  const ev = new EventRegistry();
  const table = eventTable<{ hit: number }>('x', [[3, 'x.one', (p) => p.hit++]]);
  const part = { hit: 0 };
  ev.register(part, table);
  t.throws(() => ev.register(part, eventTable<{ hit: number }>('y', [[3, 'y.two', () => {}]])), { message: /kind 3 registered twice: x.one and y.two/ });
  ev.dispatch(3, 0, 0);
  t.is(part.hit, 1);
  t.throws(() => ev.dispatch(4, 0, 0), { message: /kind 4 was scheduled but no part registered it/ });
});
