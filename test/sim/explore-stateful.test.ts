import test from 'ava';
import { Chooser } from '../../sim/chooser.js';
import type { ExploreOptions, ExploreResult, ExplorerLike } from '../../sim/explore.js';
import { Hasher64 } from '../../sim/hash.js';
import { Snapshot, Snapshotter } from '../../sim/snapshot.js';
import { stateDigest, type DigestEntry } from '../../sim/state-walk.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { ReplayStrategy } from '../../sim/strategy/replay.js';
import { makeExplorer, makeSystem } from '../../scenarios/operations.js';
import { target, type TargetSpec } from '../helpers/system.js';
import { SCENARIOS } from '../../scenarios/registry.js';

// The stateful search (snapshots) is checked against the stateless one (re-running every path from
// the start), which it must equal state for state: same states, edges, paths, verdict and
// counterexample. A snapshot that missed a field, or a page write that forgot its version stamp,
// would make the two searches part.

const SMALL = SCENARIOS.filter((s) => s.explorable && s.name.endsWith('-small')).map((s) => s.name);

function run(spec: TargetSpec, opts: ExploreOptions, search: 'stateful' | 'stateless'): ExploreResult {
  const { explorer } = makeExplorer(target(spec), opts, search);
  drive(explorer);
  return explorer.result;
}

function drive(e: ExplorerLike): void {
  while (!e.advance(500)) {
    // to the end
  }
}

function same(t: import('ava').ExecutionContext, a: ExploreResult, b: ExploreResult, what: string): void {
  t.is(a.states, b.states, `${what}: states`);
  t.is(a.transitions, b.transitions, `${what}: transitions`);
  t.is(a.runs, b.runs, `${what}: paths`);
  t.is(a.maxDepth, b.maxDepth, `${what}: deepest`);
  t.is(a.complete, b.complete, `${what}: complete`);
  t.is(a.stoppedBy, b.stoppedBy, `${what}: stopped by`);
  t.deepEqual(
    a.violations.map((v) => [v.violation.check, v.violation.step, v.choices]),
    b.violations.map((v) => [v.violation.check, v.violation.step, v.choices]),
    `${what}: violations`,
  );
}

for (const scenario of SMALL) {
  test(`stateful explore ${scenario}: equals the stateless search state for state, executing one event per edge`, (t) => {
    const opts: ExploreOptions = { maxDepth: 5000, maxStates: scenario === 'virtio-small' ? 30_000 : 5_000, maxMemoryBytes: 1 << 30, stopAtFirstViolation: true };
    const stateless = run({ scenario }, opts, 'stateless');
    const stateful = run({ scenario }, opts, 'stateful');
    same(t, stateful, stateless, scenario);
    t.is(stateful.search, 'stateful');
    t.true(stateless.executedSteps > stateless.transitions, 'the stateless search re-runs prefixes');
    // Each event executed is an edge of the graph, but for the steps re-run from an earlier snapshot
    // (a step that chose unexpectedly, or snapshots thinned for memory: proc-small's are 6 MB).
    const ratio = stateful.executedSteps / stateful.transitions;
    t.log(`${stateful.executedSteps} events for ${stateful.transitions} edges, snapshots every ${stateful.snapshot!.stride} steps`);
    if (stateful.snapshot!.stride === 1) t.true(ratio <= 1.1, `${ratio.toFixed(2)} events per edge`);
    else t.true(ratio < stateless.executedSteps / stateless.transitions, 'fewer events per edge than re-running paths');
  });
}

test('stateful explore: finds the same counterexample as the stateless search (virtio-small with publish-before-fill, and with idx-before-status)', (t) => {
  const opts: ExploreOptions = { maxDepth: 5000, maxStates: 2_000_000, maxMemoryBytes: 1 << 30, stopAtFirstViolation: true };
  for (const spec of [{ scenario: 'virtio-small', mutants: ['publish-before-fill'] }, { scenario: 'virtio-small', mutants: ['idx-before-status'] }]) {
    const a = run(spec, opts, 'stateful');
    const b = run(spec, opts, 'stateless');
    t.is(a.stoppedBy, 'violation', spec.mutants.join());
    same(t, a, b, spec.mutants.join());
  }
});

test('stateful explore: a snapshot budget too small for the path thins the snapshots and still equals the stateless search', (t) => {
  // A quarter of the budget goes to snapshots: 1 MiB holds about a dozen of virtio-small's.
  const opts: ExploreOptions = { maxDepth: 5000, maxStates: 20_000, maxMemoryBytes: 4 << 20, stopAtFirstViolation: true };
  const { explorer } = makeExplorer(target({ scenario: 'virtio-small' }), opts, 'stateful');
  drive(explorer);
  const stateless = run({ scenario: 'virtio-small' }, opts, 'stateless');
  same(t, explorer.result, stateless, 'thinned');
  t.true(explorer.result.snapshot!.stride > 1, 'snapshots were thinned');
  t.true(explorer.result.executedSteps > explorer.result.transitions, 'and steps between them re-run');
});

test('stateful explore: auto picks stateful for small states and stateless for the process scenarios (6 MB of buffers)', (t) => {
  const opts: ExploreOptions = { maxDepth: 100, maxStates: 10, maxMemoryBytes: 1 << 26, stopAtFirstViolation: true };
  const pick = (scenario: string) => {
    const { explorer } = makeExplorer(target({ scenario }), opts);
    drive(explorer);
    return explorer.result.search;
  };
  t.is(pick('virtio-small'), 'stateful');
  t.is(pick('proc-small'), 'stateless');
});

// ---- snapshots themselves ----

function digestEntries(system: ReturnType<typeof makeSystem>): DigestEntry[] {
  const e: DigestEntry[] = [];
  stateDigest(system.stateRoots(), system.now, new Hasher64(), e);
  return e;
}

for (const scenario of SMALL) {
  test(`snapshot ${scenario}: restoring mid-run and replaying the rest gives the same state at every step`, (t) => {
    const system = makeSystem(target({ scenario, overrides: { swarm: false } }));
    const snapper = new Snapshotter(system.stateRoots());
    const mismatches: string[] = [];
    let compared = 0;
    for (const seed of [1, 2, 3]) {
      const chooser = new Chooser(new RandomStrategy(seed));
      system.begin(chooser, 0);
      const snaps: Snapshot[] = [];
      const logs: number[] = [];
      const digests: string[] = [];
      const fingerprints: string[] = [];
      for (let d = 0; d < 400; d++) {
        const s = new Snapshot();
        snapper.take(s);
        snaps.push(s);
        logs.push(chooser.log.length);
        digests.push(JSON.stringify(digestEntries(system)));
        const h = new Hasher64();
        system.fingerprint(h);
        fingerprints.push(`${h.h1}:${h.h2}`);
        if (!system.step()) break;
      }
      const all = chooser.log.valuesArray();
      const last = snaps.length - 1;
      for (const k of [Math.floor(last / 3), Math.floor((2 * last) / 3)]) {
        snapper.restore(snaps[k]);
        chooser.strategy = new ReplayStrategy(all, null, false);
        chooser.log.length = logs[k];
        for (let d = k; d <= last; d++) {
          const h = new Hasher64();
          system.fingerprint(h);
          compared++;
          if (`${h.h1}:${h.h2}` !== fingerprints[d] || JSON.stringify(digestEntries(system)) !== digests[d]) {
            mismatches.push(`seed ${seed}: restored at step ${k}, the state differs at step ${d}`);
            break;
          }
          if (d < last) system.step();
        }
      }
    }
    t.deepEqual(mismatches, []);
    t.true(compared > 100, `${compared} states compared`);
  });
}
