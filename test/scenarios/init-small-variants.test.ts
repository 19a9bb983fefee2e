/**
 * The two exploration variants of init-small (scenarios/boot.ts): init-crash2-small (two crash
 * faults, so both services can be dead before init acts) and init-hang-small (250 ms, long enough
 * for a hung service's health timeout, its kill and its restart). Each explores completely and
 * clean on reference and reaches the situation it is for, counted by the coverage probes.
 */
import test from 'ava';
import * as C from '../../model/coverage.js';
import { F_HANG } from '../../model/faults.js';
import { makeExplorer, resolveTarget } from '../../scenarios/operations.js';

function explore(name: string): { complete: boolean; violations: number; states: number; cov: Float64Array } {
  const t = resolveTarget(name, 'reference', []);
  const { explorer, system } = makeExplorer(t, { maxDepth: t.scenario.exploreMaxDepth, maxStates: t.scenario.exploreMaxStates, maxMemoryBytes: 512 * 1024 * 1024, stopAtFirstViolation: true });
  while (!explorer.advance(1000)) {
    /* until done */
  }
  const r = explorer.result;
  return { complete: r.complete, violations: r.violations.length, states: r.states, cov: system.coverageCounts() };
}

test('init-crash2-small: complete and clean; some path has both services dead before init acts', (t) => {
  const r = explore('init-crash2-small');
  t.true(r.complete);
  t.is(r.violations, 0);
  t.log(`${r.states} states`);
  t.true(r.cov[C.C_SERVICE_TWO_DEAD] >= 1, 'two dead before init runs');
  t.true(r.cov[C.C_SERVICE_RUNNING_STARTING] >= 1, 'a Running service restarted');
});

test('init-hang-small: complete and clean; a hung service is killed and started again', (t) => {
  const r = explore('init-hang-small');
  t.true(r.complete);
  t.is(r.violations, 0);
  t.log(`${r.states} states`);
  t.true(r.cov[C.FAULT_PROBE[F_HANG * C.FAULT_PHASE_SLOTS]] >= 1, 'a hang struck');
  t.true(r.cov[C.C_KILL_READY] >= 1, 'init killed the hung service (alive, on the CPU)');
  t.true(r.cov[C.C_SERVICE_RUNNING_STARTING] >= 1 && r.cov[C.C_SERVICE_STARTING_RUNNING] >= 2, 'and it ran again');
});
