import test from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Explorer, explore, type ExploreOptions } from '../../sim/explore.js';
import { runOnce } from '../../sim/run.js';
import { ReplayStrategy } from '../../sim/strategy/replay.js';
import { Chooser } from '../../sim/chooser.js';
import { Hasher64 } from '../../sim/hash.js';
import { makeExplorer } from '../../scenarios/operations.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { target } from '../helpers/system.js';
import { ToySystem } from '../helpers/toy-system.js';

const UNBOUNDED: ExploreOptions = { maxDepth: 10_000, maxStates: 10_000_000, maxMemoryBytes: 4096 * 1024 * 1024, stopAtFirstViolation: true };

// ---- the engine on a state space known in closed form ----

test('explore: toy: a binary tree of depth k is explored completely, every node once', (t) => {
  for (const k of [1, 4, 8]) {
    const r = explore(new ToySystem({ length: k }), UNBOUNDED);
    t.true(r.complete, `k = ${k}`);
    t.is(r.stoppedBy, null);
    t.is(r.states, 2 ** (k + 1) - 1, 'every node of the tree, root included');
    t.is(r.transitions, 2 ** (k + 1) - 2, 'every edge once');
    t.is(r.runs, 2 ** k, 'one path per leaf');
    t.is(r.maxDepth, k);
    t.deepEqual(r.violations, []);
  }
});

test('explore: toy: merged states are cut (state caching): each edge out of a state explored once', (t) => {
  const k = 10;
  const r = explore(new ToySystem({ length: k, fingerprint: 'sum' }), UNBOUNDED);
  t.true(r.complete);
  t.is(r.states, ((k + 1) * (k + 2)) / 2, 'distinct (step, sum) pairs');
  t.is(r.transitions, k * (k + 1), 'two edges out of every non-final state');
  t.true(r.runs < 2 ** k, 'far fewer paths than without caching');
});

test('explore: toy: finds the one failing path and reports its choices', (t) => {
  const bad = [1, 0, 1, 1, 0, 1];
  const r = explore(new ToySystem({ length: 6, bad: (cs) => cs.length === 6 && cs.every((c, i) => c === bad[i]) }), UNBOUNDED);
  t.false(r.complete);
  t.is(r.stoppedBy, 'violation');
  t.is(r.violations.length, 1);
  t.is(r.violations[0].violation.check, 'TOY-BAD');
  t.deepEqual(r.violations[0].choices, bad);
});

test('explore: toy: keeps exploring past violations when asked, and still completes', (t) => {
  const r = explore(new ToySystem({ length: 5, bad: (cs) => cs.length === 5 && cs[4] === 1 && cs[0] === 1 }), { ...UNBOUNDED, stopAtFirstViolation: false });
  t.true(r.complete);
  t.is(r.violations.length, 8, 'every path 1 _ _ _ 1');
  t.true(r.violations.every((v) => v.choices[0] === 1 && v.choices[4] === 1));
});

test('explore: toy: bounds: depth, states and interrupt stop the search incomplete, and say why', (t) => {
  const depth = explore(new ToySystem({ length: 8 }), { ...UNBOUNDED, maxDepth: 3 });
  t.false(depth.complete);
  t.is(depth.stoppedBy, 'depth');
  t.is(depth.states, 2 ** 4 - 1, 'the tree down to the cut');
  t.is(depth.maxDepth, 3);
  const states = explore(new ToySystem({ length: 12 }), { ...UNBOUNDED, maxStates: 100 });
  t.false(states.complete);
  t.is(states.stoppedBy, 'states');
  t.true(states.states >= 100 && states.states < 100 + 12, `${states.states} states`);
  const e = new Explorer(new ToySystem({ length: 12 }), UNBOUNDED);
  e.advance(3);
  t.false(e.done);
  e.stop('interrupt');
  t.true(e.done);
  t.is(e.result.stoppedBy, 'interrupt');
  t.false(e.result.complete);
  t.is(e.result.runs, 3);
  t.true(e.advance(5), 'a stopped explorer does nothing more');
  t.is(e.result.runs, 3);
});

test('explore: toy: advancing in slices gives the same result as one go', (t) => {
  const whole = explore(new ToySystem({ length: 9, options: 3, fingerprint: 'sum' }), UNBOUNDED);
  const e = new Explorer(new ToySystem({ length: 9, options: 3, fingerprint: 'sum' }), UNBOUNDED);
  let slices = 0;
  while (!e.advance(2)) slices++;
  t.true(slices > 1);
  t.deepEqual(e.result, whole);
});

// ---- the VirtIO model ----

test('explore: virtio-small: reference is complete with no violation (every interleaving and single fault)', (t) => {
  // The expensive one (about 20 s): run once.
  const { explorer } = makeExplorer(target({ scenario: 'virtio-small' }), { maxDepth: 2000, maxStates: 5_000_000, maxMemoryBytes: 4096 * 1024 * 1024, stopAtFirstViolation: true });
  while (!explorer.advance(1 << 20)) {
    // to the end
  }
  const r = explorer.result;
  t.deepEqual(r.violations.map((v) => `${v.violation.check}: ${v.violation.message}`), []);
  t.true(r.complete);
  t.is(r.stoppedBy, null);
  t.true(r.states > 100_000, `${r.states} states: the space is not trivially small`);
  t.true(r.transitions >= r.states - 1, 'every stored state but the initial one was reached by a transition');
  t.true(r.executedSteps >= r.transitions);
  t.true(r.maxDepth < 2000, 'no path reached the depth bound');
});

test('explore: virtio-small {clients: 2, faultBudget: 2}: complete with no violation', (t) => {
  const { explorer, system } = makeExplorer(target({ scenario: 'virtio-small', overrides: { clients: 2, faultBudget: 2 } }), UNBOUNDED);
  t.is(system.params.clients, 2);
  t.is(system.params.faultBudget, 2);
  t.false(system.params.swarm, 'exploration turns swarm off');
  while (!explorer.advance(1 << 20)) {
    // to the end
  }
  const r = explorer.result;
  t.deepEqual(r.violations.map((v) => v.violation.check), []);
  t.true(r.complete);
  t.true(r.states > 1000);
});

test('explore: virtio-small with publish-before-fill: finds S-VQ-07 and its choices replay it', (t) => {
  const { explorer, system } = makeExplorer(target({ scenario: 'virtio-small', mutants: ['publish-before-fill'] }), UNBOUNDED);
  while (!explorer.advance(1000)) {
    // to the first violation
  }
  const r = explorer.result;
  t.is(r.stoppedBy, 'violation');
  t.false(r.complete);
  t.is(r.violations.length, 1);
  const v = r.violations[0];
  t.true(['S-VQ-07', 'S-VQ-03', 'S-BLK-04'].includes(v.violation.check), v.violation.check);
  const again = runOnce(system, new ReplayStrategy(v.choices, v.labels, true));
  t.is(again.violation?.check, v.violation.check);
  t.is(again.violation?.step, v.violation.step);
});

test('explore: virtio-small: maxStates stops the search incomplete with stoppedBy "states"', (t) => {
  const { explorer } = makeExplorer(target({ scenario: 'virtio-small' }), { ...UNBOUNDED, maxStates: 3000 });
  while (!explorer.advance(1000)) {
    // to the bound
  }
  const r = explorer.result;
  t.false(r.complete);
  t.is(r.stoppedBy, 'states');
  t.true(r.states >= 3000, `${r.states}`);
  t.true(r.states < 3000 + 2000, 'stops within one path of the bound');
});

test('explore: virtio-small: maxMemoryBytes stops the search incomplete with stoppedBy "memory", within budget', (t) => {
  const budget = 200_000;
  const { explorer } = makeExplorer(target({ scenario: 'virtio-small' }), { ...UNBOUNDED, maxMemoryBytes: budget });
  while (!explorer.advance(1000)) {
    // to the bound
  }
  const r = explorer.result;
  t.false(r.complete);
  t.is(r.stoppedBy, 'memory');
  t.true(r.storeBytes <= budget, `${r.storeBytes} bytes held against a ${budget}-byte budget`);
  t.true(r.states > 1000);
});

test('explore: virtio-small: maxDepth cuts paths and makes the result incomplete', (t) => {
  const { explorer } = makeExplorer(target({ scenario: 'virtio-small' }), { ...UNBOUNDED, maxDepth: 12, maxStates: 200_000 });
  while (!explorer.advance(10_000)) {
    // to the end
  }
  const r = explorer.result;
  t.false(r.complete);
  t.is(r.stoppedBy, 'depth');
  t.is(r.maxDepth, 12);
});

// Regression (was a bug in sim/explore.ts `advance` + sim/fingerprint-set.ts `visit`): the memory budget is checked
// only between paths, while `visit` keeps inserting during a path. A path that meets more new
// states than the saturated table has free slots makes `visit` spin forever (see the fingerprint
// set test). Repro: makeExplorer(virtio-stress with overrides {requestsPerClient: 40},
// {maxDepth: 20000, maxStates: 1e7, maxMemoryBytes: 1, stopAtFirstViolation: true}).explorer
// .advance(1) never returns (the first path has about 5,900 events; the table fills at 4,096).
// Expected: the search stops with stoppedBy "memory".
test('explore: a memory budget stops the search even when one path outgrows the state table', async (t) => {
  const url = pathToFileURL(join(REPO_ROOT, 'dist', 'scenarios', 'operations.js')).href;
  const code = `
    const ops = await import(${JSON.stringify(url)});
    const t = { ...ops.resolveTarget('virtio-stress', 'reference', []), overrides: { requestsPerClient: 40 } };
    const { explorer } = ops.makeExplorer(t, { maxDepth: 20000, maxStates: 1e7, maxMemoryBytes: 1, stopAtFirstViolation: true });
    while (!explorer.advance(1)) {}
    console.log(JSON.stringify({ stoppedBy: explorer.result.stoppedBy }));
  `;
  const r = await new Promise<{ ok: boolean; stdout: string }>((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], { timeout: 6000, killSignal: 'SIGKILL' }, (error, stdout) => resolve({ ok: error === null, stdout }));
  });
  t.true(r.ok, 'the exploration did not finish (killed after the time limit)');
  t.is(r.ok ? (JSON.parse(r.stdout) as { stoppedBy: string }).stoppedBy : null, 'memory');
});

test('explore: virtio-small: runs that ask for EVENT_IDX and runs that do not are different states before negotiation', (t) => {
  // Regression: the driver's requested-feature setting was missing from the fingerprint, so the
  // explorer merged the EVENT_IDX-on runs into the -off ones at depth 1 and never visited them.
  const fingerprintAfterBegin = (eventIdx: number): string => {
    const { system } = makeExplorer(target({ scenario: 'virtio-small' }), UNBOUNDED);
    system.begin(new Chooser(new ReplayStrategy([eventIdx], null, false)), 0);
    const h = new Hasher64();
    system.fingerprint(h);
    return `${h.h1}:${h.h2}`;
  };
  t.not(fingerprintAfterBegin(0), fingerprintAfterBegin(1));
});
