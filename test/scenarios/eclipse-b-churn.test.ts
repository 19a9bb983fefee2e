/**
 * eclipse-b's shipped services and process churn (services.ts, `serviceHelperEvery`):
 * - on `boot` (0: exactly kernel.md §6) only init forks, so at most 5 + 5 × 3 processes are ever
 *   forked and the table cannot fill;
 * - on `service-crash-loop` each service forks a helper every iteration; a helper exits at once
 *   with status 0 (in eclipse-b: Terminated, never freed), and the service collects one
 *   terminated child with a single `wait` (which in eclipse-b returns its first helper again and
 *   again) — so the table fills with terminated processes and a fork fails (S-PM-13).
 */
import test from 'ava';
import { MAX_PROCS } from '../../model/proc/abi.js';
import { P_PROC_EXIT, P_PROC_FORK, P_PROC_FORK_FAIL, P_PROC_WAIT } from '../../model/probes.js';
import type { Machine } from '../../model/machine.js';
import { makeCampaignSystem, resolveTarget } from '../../scenarios/operations.js';
import { recordedCampaign, RunRecorder } from '../helpers/scenario-runs.js';

interface ChurnRun {
  /** Forks by init (PID 1), and by anyone else. */
  initForks: number;
  otherForks: number;
  /** Children of services (not of init) that exited, and with which wait statuses. */
  helperExits: number;
  helperStatuses: Set<number>;
  /** wait results returned to a service: PID → times returned. */
  serviceWaits: Map<number, number>;
  /** Largest count of slots in use when a fork failed for lack of one (0: none did). */
  slotFailures: number;
  /** PIDs handed out in the run. */
  highestPid: number;
}

class ChurnRecorder extends RunRecorder<ChurnRun> {
  private cur!: ChurnRun;
  /** PID → its parent, for the processes forked in this run. */
  private readonly parent = new Map<number, number>();

  protected startRun(): void {
    this.parent.clear();
    this.cur = { initForks: 0, otherForks: 0, helperExits: 0, helperStatuses: new Set(), serviceWaits: new Map(), slotFailures: 0, highestPid: 0 };
  }

  protected observeStep(m: Machine): void {
    const r = this.cur;
    const { buf, count } = m.probes;
    for (let k = 0; k < count; k++) {
      const [kind, a, b, c] = [buf[4 * k], buf[4 * k + 1], buf[4 * k + 2], buf[4 * k + 3]];
      if (kind === P_PROC_FORK) {
        this.parent.set(a, b);
        r.highestPid = Math.max(r.highestPid, a);
        if (b === 1) r.initForks++;
        else r.otherForks++;
      } else if (kind === P_PROC_EXIT) {
        const p = this.parent.get(a);
        if (p !== undefined && p !== 1) {
          r.helperExits++;
          r.helperStatuses.add(b);
        }
      } else if (kind === P_PROC_WAIT && a !== 1 && c > 0) {
        r.serviceWaits.set(c, (r.serviceWaits.get(c) ?? 0) + 1);
      } else if (kind === P_PROC_FORK_FAIL && c >= MAX_PROCS) {
        r.slotFailures = Math.max(r.slotFailures, c);
      }
    }
  }

  protected finishRun(): ChurnRun {
    return this.cur;
  }
}

const SEEDS = 10;

test('eclipse-b churn: on boot (serviceHelperEvery 0, as kernel.md §6) only init forks, never more than five starts and three restarts each', (t) => {
  const tg = resolveTarget('boot', 'eclipse-b', []);
  t.is(tg.scenario.params.proc!.workload.serviceHelperEvery, 0);
  const { runs } = recordedCampaign(new ChurnRecorder(makeCampaignSystem(tg)), SEEDS);
  t.is(runs.length, SEEDS);
  for (const [i, r] of runs.entries()) {
    t.is(r.otherForks, 0, `seed ${i + 1}: nobody but init forks`);
    t.true(r.initForks >= 1 && r.initForks <= 5 + 5 * 3, `seed ${i + 1}: ${r.initForks} forks by init`);
    t.is(r.helperExits, 0);
    t.is(r.slotFailures, 0, `seed ${i + 1}: the table never fills`);
  }
});

test('eclipse-b churn: on service-crash-loop the services fork helpers that exit(0), collect one with wait, and the table fills', (t) => {
  const tg = resolveTarget('service-crash-loop', 'eclipse-b', []);
  t.true(tg.scenario.params.proc!.workload.serviceHelperEvery > 0);
  const { runs } = recordedCampaign(new ChurnRecorder(makeCampaignSystem(tg)), SEEDS);
  t.is(runs.length, SEEDS);
  const helperForks = runs.reduce((n, r) => n + r.otherForks, 0);
  t.true(helperForks > 20 * SEEDS, `${helperForks} helper forks in ${SEEDS} runs`);
  for (const [i, r] of runs.entries()) {
    // A helper exits with status 0; eclipse-b stores no exit code, so the probe's status is 0.
    for (const st of r.helperStatuses) t.is(st, 0, `seed ${i + 1}: a helper exited with status ${st}`);
    // eclipse-b's wait never reaps: a service that collects gets its first terminated helper back every time.
    for (const [pid, n] of r.serviceWaits) t.true(n >= 1, `seed ${i + 1}: PID ${pid}`);
  }
  t.true(runs.some((r) => [...r.serviceWaits.values()].some((n) => n > 1)), 'some service got the same terminated helper from wait more than once');
  const full = runs.filter((r) => r.slotFailures >= MAX_PROCS);
  t.true(full.length > 0, 'in some run a fork failed with all 64 slots taken');
  for (const r of full) t.is(r.highestPid, MAX_PROCS - 1, 'eclipse-b hands out PIDs 1…63 in slots 1…63 and never frees one');
});
