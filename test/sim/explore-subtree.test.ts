import test from 'ava';
import type { ExploreOptions, ExploreResult, SubtreeExplorer } from '../../sim/explore.js';
import { SharedFingerprintTable } from '../../sim/shared-fingerprint-table.js';
import { makeExplorer, type SearchMode } from '../../scenarios/operations.js';
import { target, type TargetSpec } from '../helpers/system.js';

// What a parallel search rests on, checked in one thread where the interleaving is fixed: explorers
// sharing one store, each exploring the subtree under its prefix and giving untried subtrees away
// when asked (restartUnder, split), store exactly the distinct states one explorer stores — for
// complete searches and for searches cut by the depth bound (where a state reached shallower by
// another explorer must be explored again).

function alone(spec: TargetSpec, opts: ExploreOptions, search: SearchMode): ExploreResult {
  const { explorer } = makeExplorer(target(spec), opts, search);
  while (!explorer.advance(1000)) {
    // to the end
  }
  return explorer.result;
}

/**
 * `n` explorers over one shared table, advanced in turn by slices of varying length; an idle one
 * takes a queued subtree, or asks the busy ones to split. Returns the table's size, how many
 * subtrees were explored, and the explorers' results.
 */
function shared(spec: TargetSpec, opts: ExploreOptions, search: SearchMode, n: number): { states: number; pieces: number; results: ExploreResult[] } {
  const table = SharedFingerprintTable.create(opts.maxStates, opts.maxMemoryBytes);
  const ex: SubtreeExplorer[] = [];
  for (let k = 0; k < n; k++) ex.push(makeExplorer(target(spec), { ...opts, store: table }, search).explorer);
  const queue: number[][] = [];
  const busy = ex.map(() => false);
  ex[0].restartUnder([]);
  busy[0] = true;
  let pieces = 1;
  for (let round = 0; busy.some(Boolean) || queue.length > 0; round++) {
    for (let k = 0; k < n; k++) {
      if (busy[k]) {
        if (ex[k].advance(1 + ((round * 7 + k * 13) % 5))) busy[k] = false;
      } else if (queue.length > 0) {
        ex[k].restartUnder(queue.shift()!);
        busy[k] = true;
        pieces++;
      } else {
        for (let j = 0; j < n && queue.length === 0; j++) if (busy[j]) queue.push(...ex[j].split());
      }
    }
  }
  return { states: table.size, pieces, results: ex.map((e) => e.result) };
}

const CASES: Array<{ spec: TargetSpec; search: SearchMode; maxDepth?: number }> = [
  { spec: { scenario: 'virtio-small', overrides: { clients: 2 } }, search: 'stateful' },
  { spec: { scenario: 'virtio-small', overrides: { clients: 2 } }, search: 'stateless' },
  { spec: { scenario: 'virtio-small', overrides: { clients: 2 } }, search: 'stateful', maxDepth: 30 },
  { spec: { scenario: 'init-small' }, search: 'stateless' },
  { spec: { scenario: 'init-crash2-small' }, search: 'stateless', maxDepth: 150 },
];

for (const c of CASES) {
  const name = `${c.spec.scenario}${c.spec.overrides ? ' clients=2' : ''}, ${c.search}${c.maxDepth ? `, depth ≤ ${c.maxDepth}` : ''}`;
  test(`subtree explorers sharing one store: the same distinct states as one explorer (${name})`, (t) => {
    const opts: ExploreOptions = { maxDepth: c.maxDepth ?? 5000, maxStates: 1_000_000, maxMemoryBytes: 1 << 28, stopAtFirstViolation: true };
    const one = alone(c.spec, opts, c.search);
    const three = shared(c.spec, opts, c.search, 3);
    t.is(three.states, one.states, 'distinct states');
    t.true(three.pieces > 3, `work was split (${three.pieces} subtrees)`);
    const cut = three.results.some((r) => r.stoppedBy === 'depth');
    t.is(cut, one.stoppedBy === 'depth', 'a depth cut in one search is one in the other');
    t.true(three.results.every((r) => r.stoppedBy === null || r.stoppedBy === 'depth'));
    t.is(Math.max(...three.results.map((r) => r.maxDepth)), one.maxDepth, 'deepest path');
  });
}

test('subtree explorers: split gives away the shallowest untried options and the explorer no longer explores them', (t) => {
  const opts: ExploreOptions = { maxDepth: 5000, maxStates: 1_000_000, maxMemoryBytes: 1 << 28, stopAtFirstViolation: true };
  const spec = { scenario: 'virtio-small', overrides: { clients: 2 } };
  const one = alone(spec, opts, 'stateful');
  // One explorer on its own store, split once after some paths, then the pieces explored by a
  // second explorer on that store: together the same states, and the pieces are the shallowest.
  const table = SharedFingerprintTable.create(opts.maxStates, opts.maxMemoryBytes);
  const a = makeExplorer(target(spec), { ...opts, store: table }, 'stateful').explorer;
  t.deepEqual(a.split(), [], 'nothing to give before a path has run');
  a.advance(50);
  const pieces = a.split();
  t.true(pieces.length > 0);
  const len = pieces[0].length;
  t.true(pieces.every((p) => p.length === len && p.slice(0, -1).join() === pieces[0].slice(0, -1).join()), 'all at one choice point');
  t.true(pieces.every((p, i) => i === 0 || p[len - 1] === pieces[i - 1][len - 1] + 1), 'consecutive options');
  while (!a.advance(1000)) {
    // to the end of what it kept
  }
  const b = makeExplorer(target(spec), { ...opts, store: table }, 'stateful').explorer;
  for (const p of pieces) {
    b.restartUnder(p);
    while (!b.advance(1000)) {
      // to the end of the piece
    }
    t.true(b.result.complete);
  }
  t.is(table.size, one.states);
});
