import test from 'ava';
import { InputError, makeExplorer, resolveTarget, runSeed } from '../../scenarios/operations.js';
import { SCENARIOS, findScenario } from '../../scenarios/registry.js';
import { effectiveParams } from '../../scenarios/system.js';
import { validGeometry } from '../../model/virtio/index-math.js';
import { target } from '../helpers/system.js';

const VIRTIO_SCENARIOS = ['virtio-smoke', 'virtio-stress', 'virtio-wrap', 'virtio-small'];

test('scenarios: registry: the four VirtIO scenarios (and the file-system ones), valid geometry, virtio-small explorable', (t) => {
  const names = SCENARIOS.map((s) => s.name);
  t.deepEqual(names.filter((n) => VIRTIO_SCENARIOS.includes(n)), VIRTIO_SCENARIOS, 'every VirtIO scenario, in order');
  t.is(new Set(names).size, names.length, 'names are unique');
  for (const n of ['fs-read', 'fs-write-crash', 'fs-small']) t.true(names.includes(n), n);
  for (const s of SCENARIOS) {
    t.true(validGeometry(s.params.queueSize, s.params.indexBits), s.name);
    t.is(findScenario(s.name), s);
  }
  const explorable = SCENARIOS.filter((s) => s.explorable).map((s) => s.name);
  t.true(explorable.includes('virtio-small'));
  t.false(explorable.some((n) => ['virtio-smoke', 'virtio-stress', 'virtio-wrap'].includes(n)), 'the big VirtIO scenarios are not explorable');
  t.is(findScenario('virtio-small')!.params.indexBits, 4);
  t.is(findScenario('virtio-wrap')!.params.indexBits, 4);
});

test('scenarios: operations: resolveTarget names what is wrong (InputError) and dedupes mutants', (t) => {
  t.throws(() => resolveTarget('nope', 'reference', []), { instanceOf: InputError, message: /unknown scenario "nope" \(known: virtio-smoke/ });
  t.throws(() => resolveTarget('virtio-small', 'eclipse-z', []), { instanceOf: InputError, message: /unknown profile "eclipse-z"/ });
  t.throws(() => resolveTarget('virtio-small', 'reference', ['sector-units', 'bogus']), { instanceOf: InputError, message: /unknown mutant "bogus"/ });
  t.deepEqual(resolveTarget('virtio-small', 'reference', ['sector-units', 'sector-units']).mutants, ['sector-units']);
});

test('scenarios: operations: overrides change the parameters; explore turns swarm off', (t) => {
  const tg = target({ scenario: 'virtio-stress', overrides: { clients: 3 } });
  const p = effectiveParams({ scenario: tg.scenario, profile: tg.profile, mutants: [], overrides: tg.overrides });
  t.is(p.clients, 3);
  t.true(p.swarm);
  const { system, target: explored } = makeExplorer(tg, { maxDepth: 10, maxStates: 10, maxMemoryBytes: 1 << 20, stopAtFirstViolation: true });
  t.false(system.params.swarm);
  t.is(system.params.clients, 3);
  t.is(explored.overrides?.swarm, false);
});

test('scenarios: operations: runSeed is a function of (target, seed)', (t) => {
  for (const s of SCENARIOS) {
    const tg = target({ scenario: s.name });
    const a = runSeed(tg, 42).result;
    const b = runSeed(tg, 42).result;
    t.deepEqual(a, b, s.name);
    t.not(runSeed(tg, 43).result.traceHash, a.traceHash, `${s.name}: seeds 42 and 43`);
  }
});

test('scenarios: operations: keeping the trace does not change the run', (t) => {
  const tg = target({ scenario: 'virtio-stress' });
  const plain = runSeed(tg, 5, 0).result;
  const traced = runSeed(tg, 5, Infinity);
  t.is(traced.result.traceHash, plain.traceHash);
  t.is([...traced.system.machine.sim.trace.records()].length, traced.system.machine.sim.trace.count);
  const ring = runSeed(tg, 5, 16);
  t.is(ring.result.traceHash, plain.traceHash);
  t.is([...ring.system.machine.sim.trace.records()].length, 16);
});
