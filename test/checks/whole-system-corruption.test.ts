/**
 * The process and service checks see damage done behind the model's back, mid-run: each test runs
 * a reference boot until every service is Running, breaks one thing the way a bug would, and
 * expects its check to fire within a few events. (The families only look again when something
 * relevant happened: these tests keep those triggers honest.)
 */
import { serviceState, serviceTable } from '../../model/init/service-table.js';
import test from 'ava';
import { Chooser } from '../../sim/chooser.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { PS_READY } from '../../model/proc/abi.js';
import { SV_RUNNING } from '../../model/init/service-protocol.js';
import { K } from '../../model/init/service-manager.js';
import { makeSystem, resolveTarget } from '../../scenarios/operations.js';
import type { ScenarioSystem } from '../../scenarios/system.js';
/** A reference boot (seed 1), stepped until all five services are Running. */
function bootedSystem(): ScenarioSystem {
  const system = makeSystem(resolveTarget('boot', 'reference', []));
  system.begin(new Chooser(new RandomStrategy(1)), 0);
  for (;;) {
    if (!system.step()) throw new Error(`the boot ended first: ${system.violation?.check ?? 'no violation'}`);
    const t = system.machine.procs!.t;
    const table = serviceTable(t);
    if (table && [0, 1, 2, 3, 4].every((i) => serviceState(table, i) === SV_RUNNING)) return system;
  }
}

/** Steps until a violation (at most `limit` events); returns it. */
function runToViolation(system: ScenarioSystem, limit = 20_000) {
  for (let i = 0; i < limit && system.step(); i++) {
    // on
  }
  return system.violation;
}

test('corruption: init records a PID that does not exist for a Running service → S-SM-02', (t) => {
  const system = bootedSystem();
  const table = serviceTable(system.machine.procs!.t)!;
  table[K.pid[2]] = 999;
  const v = runToViolation(system);
  t.is(v?.check, 'S-SM-02', v?.message);
  t.regex(v!.message, /display records PID 999, which does not exist/);
});

test('corruption: init records another service’s live process → S-SM-02', (t) => {
  const system = bootedSystem();
  const table = serviceTable(system.machine.procs!.t)!;
  table[K.pid[1]] = table[K.pid[0]];
  const v = runToViolation(system);
  t.is(v?.check, 'S-SM-02', v?.message);
  t.regex(v!.message, /network records PID \d+, which runs filesystem/);
});

test('corruption: a Ready process queued twice in the ready ring → S-PM-12', (t) => {
  const system = bootedSystem();
  const pt = system.machine.procs!.t;
  // Step on until some process other than the running one is Ready, then queue it again.
  let s = -1;
  for (let i = 0; i < 20_000 && s < 0; i++) {
    system.step();
    for (let c = 1; c < 64 && s < 0; c++) if (pt.state[c] === PS_READY) s = c;
  }
  t.true(s > 0, 'a Ready process');
  pt.enqueue(s);
  const v = runToViolation(system);
  t.is(v?.check, 'S-PM-12', v?.message);
  t.regex(v!.message, /is in the ready queue 2 times/);
});
