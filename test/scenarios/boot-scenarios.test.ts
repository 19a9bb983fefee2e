/**
 * The boot scenarios (scenarios/boot.ts) as the tools run them: the whole machine — boot from the
 * disk, init as the service manager (svcinit), the five services — under faults.
 *
 * - reference runs clean on all six scenarios and really does the work: services reach Running in
 *   init's table on live PIDs that run the service programs, IPC flows, crashed services are
 *   restarted and crash loops end in Failed, hung services are killed and restarted, the machine
 *   comes back after a power loss;
 * - the five service-manager / IPC mutants of the zoo are found by the checks the zoo names, and
 *   their shrunk replay documents reproduce them;
 * - eclipse-b's service findings (bug-zoo.md, last paragraph) are reported with replay documents;
 * - init-small explores completely; runs are deterministic; a disk without /sbin/init fails the
 *   boot cleanly; init (PID 1) never exits.
 *
 * One finding is pinned as a failing test (at the end): in dependency-slow, a slow start (30 ms of
 * CPU) never fits in the 50 ms start timeout, so every slow-started service is killed.
 */
import { servicePid, serviceState, serviceTable } from '../../model/init/service-table.js';
import test from 'ava';
import { Campaign, type CampaignFinding } from '../../sim/campaign.js';
import { runOnce } from '../../sim/run.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { writeImage } from '../../model/fs/host/image-writer.js';
import { dir, file } from '../../model/fs/host/tree.js';
import { F_SLOW_START } from '../../model/faults.js';
import { mutantInfo } from '../../model/mutants.js';
import { PS_FREE, PS_ZOMBIE, SERVICE_NAMES, SIGKILL } from '../../model/proc/abi.js';
import { BOOT_INIT_MISSING } from '../../model/proc/exec.js';
import { PROGRAMS } from '../../model/proc/programs/registry.js';
import { SV_FAILED, SV_NAMES, SV_RUNNING } from '../../model/init/service-protocol.js';
import { P_POWER_LOSS, P_PROC_EXEC, P_PROC_EXIT } from '../../model/probes.js';
import type { Machine } from '../../model/machine.js';
import { campaignFindings, makeCampaignSystem, resolveTarget, runSeed, type Target } from '../../scenarios/operations.js';
import { ScenarioSystem } from '../../scenarios/system.js';
import { assertSeedDeterminesRun, campaignToFirstFailure, exploreToEnd, recordedCampaign, replayRoundTrip, RunRecorder, runAfter, show } from '../helpers/scenario-runs.js';
const BOOT_NAMES = ['boot', 'service-crash-loop', 'service-hang', 'dependency-slow', 'power-loss-reboot', 'init-small'] as const;
const CLEAN_SEEDS = 40;
/**
 * service-crash-loop runs more: a service reaches Failed (five crashes within MaxT) in about one
 * run in ten (32 and 40 of 400 seeds on two builds), so 40 seeds can miss it.
 */
const CLEAN_SEEDS_OF: Record<string, number> = { 'service-crash-loop': 80 };
const cleanSeeds = (name: string) => CLEAN_SEEDS_OF[name] ?? CLEAN_SEEDS;
const MUTANT_SEEDS = 60;
const ECLIPSE_B_SEEDS = 20;

/** Program steps every run exceeds: init ran, and services with it (init-small lasts 100 ms, most of it boot). */
// power-loss-reboot counts from the last boot, and a power loss drawn near the end leaves that
// boot a few milliseconds (seed 4: lost at 2,488 ms of 2,500, 9 program steps since).
const MIN_PROGRAM_STEPS: Record<string, number> = { boot: 100, 'service-crash-loop': 100, 'service-hang': 100, 'dependency-slow': 100, 'power-loss-reboot': 0, 'init-small': 20 };

/**
 * Scenarios where every run delivers IPC messages (READY at least). Not init-small (100 ms, most
 * of it boot), power-loss-reboot (the count starts over at a reboot), nor dependency-slow (see the
 * failing test at the end: a slow start is always killed, and a filesystem that only ever starts
 * slowly ends Failed without a READY).
 */
const DELIVERS_EVERY_RUN = new Set(['boot', 'service-crash-loop', 'service-hang']);

const programName = (index: number) => (index >= 0 && index < PROGRAMS.length ? PROGRAMS[index].name : `#${index}`);

/** init's program state (its service table) when slot 1 holds a live PID 1 running svcinit. */
function initTable(m: Machine): Record<string, number> | null {
  const t = m.procs!.t;
  if (t.state[1] === PS_ZOMBIE || programName(t.program[1]) !== 'svcinit') return null;
  return serviceTable(t);
}

/** Does `pid` name a live (not zombie) process running service i's program? */
function runsService(m: Machine, pid: number, i: number): boolean {
  const t = m.procs!.t;
  const slot = pid > 0 ? t.slotOf(pid) : -1;
  return slot >= 0 && t.state[slot] !== PS_ZOMBIE && programName(t.program[slot]) === SERVICE_NAMES[i];
}

/** Is `pid` a zombie (dead, not yet reaped by init)? */
function isZombie(m: Machine, pid: number): boolean {
  const t = m.procs!.t;
  const slot = pid > 0 ? t.slotOf(pid) : -1;
  return slot >= 0 && t.state[slot] === PS_ZOMBIE;
}

/**
 * Live processes that exec'd service i's program (`execed`: PID → service). A service's helpers
 * are forked copies that never exec: they run the program too, but are not instances of it.
 */
function liveInstances(m: Machine, execed: ReadonlyMap<number, number>, i: number): number {
  const t = m.procs!.t;
  let n = 0;
  for (let s = 0; s < t.pid.length; s++) if (t.state[s] !== PS_FREE && t.state[s] !== PS_ZOMBIE && execed.get(t.pid[s]) === i) n++;
  return n;
}

// ---- observing a campaign's runs ----

interface BootRun {
  seed: number;
  bootFailure: number;
  /** Boots of the machine (1 + power losses). */
  boots: number;
  /** IPC messages delivered since the last boot. */
  delivered: number;
  programSteps: number;
  /** Slot 1 at the end: PID, state, program. */
  initPid: number;
  initState: number;
  initProgram: string;
  /** P_PROC_EXIT of PID 1 during the run. */
  initExits: number;
  /** init's table at the end (per configured service), or null if init is not running svcinit. */
  finalSt: number[] | null;
  /** At the end, service i's recorded PID is live and runs service i's program. */
  finalLive: boolean[];
  /** At the end, service i's recorded PID is a zombie init has not reaped yet (it just died). */
  finalZombie: boolean[];
  /** At the end, live processes running service i's program. */
  finalInstances: number[];
  /** Per service: times the table recorded a new PID after an earlier one (same boot). */
  restarts: number[];
  /** Per service: the table showed it Failed at some point. */
  everFailed: boolean[];
  /** Processes marked hung (procs.hung), hung processes killed by SIGKILL, and restarted after. */
  hung: number;
  hungKilled: number;
  hungRestarted: number;
  /** Service processes that started slowly (fault slowStart at their exec), those that reached Running, and those init killed. */
  slowStarts: number;
  slowRunning: number;
  slowKilled: number;
}

/**
 * A ScenarioSystem as a Campaign drives it, recording what each run did: init's table after every
 * step (restarts, Failed), hung processes and their kills, exits of PID 1, and the machine at the end.
 */
class BootRunRecorder extends RunRecorder<BootRun> {
  private seed = 0;
  private cur!: BootRun;
  private readonly lastPid: number[] = [];
  private readonly hungPids = new Set<number>();
  private readonly killedHung = new Set<number>();
  /** PID → the service whose program it exec'd. */
  private readonly execed = new Map<number, number>();
  /** Slow-started PIDs, and those already seen Running. */
  private readonly slowPids = new Set<number>();
  private readonly slowRan = new Set<number>();
  /** slowStart faults seen so far in this run. */
  private slowSeen = 0;

  /** PIDs start again from 1 after a power loss: forget everything kept by PID. */
  private clearPids(): void {
    this.hungPids.clear();
    this.killedHung.clear();
    this.execed.clear();
    this.slowPids.clear();
    this.slowRan.clear();
  }

  private get count(): number {
    return this.inner.params.proc!.services!.count;
  }

  protected startRun(): void {
    const n = this.count;
    this.seed++;
    this.cur = {
      seed: this.seed,
      bootFailure: 0,
      boots: 0,
      delivered: 0,
      programSteps: 0,
      initPid: 0,
      initState: 0,
      initProgram: '',
      initExits: 0,
      finalSt: null,
      finalLive: [],
      finalZombie: [],
      finalInstances: [],
      restarts: new Array<number>(n).fill(0),
      everFailed: new Array<boolean>(n).fill(false),
      hung: 0,
      hungKilled: 0,
      hungRestarted: 0,
      slowStarts: 0,
      slowRunning: 0,
      slowKilled: 0,
    };
    this.slowSeen = 0;
    this.lastPid.length = 0;
    for (let i = 0; i < n; i++) this.lastPid.push(0);
    this.clearPids();
  }

  protected observeStep(m: Machine): void {
    const procs = m.procs!;
    const r = this.cur;
    const { buf, count } = m.probes;
    // A slowStart fault strikes in the step of the exec it slows (processes.ts, exec).
    const slowNow = m.faults.counts[F_SLOW_START] > this.slowSeen;
    this.slowSeen = m.faults.counts[F_SLOW_START];
    for (let k = 0; k < count; k++) {
      const kind = buf[4 * k];
      const a = buf[4 * k + 1];
      const b = buf[4 * k + 2];
      if (kind === P_PROC_EXIT) {
        if (a === 1) r.initExits++;
        if (this.hungPids.has(a) && b === SIGKILL) {
          this.killedHung.add(a);
          r.hungKilled++;
        }
        if (this.slowPids.has(a) && !this.slowRan.has(a) && b === SIGKILL) r.slowKilled++;
      } else if (kind === P_PROC_EXEC && b === 0) {
        const i = SERVICE_NAMES.indexOf(programName(buf[4 * k + 3]));
        if (i >= 0) {
          this.execed.set(a, i);
          if (slowNow) {
            this.slowPids.add(a);
            r.slowStarts++;
          }
        }
      } else if (kind === P_POWER_LOSS) {
        // A new boot: init's table starts over (a PID seen after it is not a restart).
        this.lastPid.fill(0);
        this.clearPids();
      }
    }
    const t = procs.t;
    for (let s = 2; s < procs.hung.length; s++) {
      if (procs.hung[s] === 1 && !this.hungPids.has(t.pid[s])) {
        this.hungPids.add(t.pid[s]);
        r.hung++;
      }
    }
    const table = initTable(m);
    if (table) {
      for (let i = 0; i < this.count; i++) {
        if (serviceState(table, i) === SV_FAILED) r.everFailed[i] = true;
        const pid = servicePid(table, i);
        if (serviceState(table, i) === SV_RUNNING && this.slowPids.has(pid) && !this.slowRan.has(pid)) {
          this.slowRan.add(pid);
          r.slowRunning++;
        }
        if (pid > 0 && pid !== this.lastPid[i]) {
          if (this.lastPid[i] > 0) {
            r.restarts[i]++;
            if (this.killedHung.has(this.lastPid[i])) r.hungRestarted++;
          }
          this.lastPid[i] = pid;
        }
      }
    }
  }

  protected finishRun(m: Machine): BootRun {
    const r = this.cur;
    const procs = m.procs!;
    const t = procs.t;
    const table = initTable(m);
    r.bootFailure = m.bootFailure;
    r.boots = m.fsClients!.boots;
    r.delivered = procs.ipc.delivered;
    r.programSteps = procs.programSteps;
    r.initPid = t.pid[1];
    r.initState = t.state[1];
    r.initProgram = programName(t.program[1]);
    r.finalSt = table ? Array.from({ length: this.count }, (_, i) => serviceState(table, i)) : null;
    r.finalLive = table ? Array.from({ length: this.count }, (_, i) => runsService(m, servicePid(table, i), i)) : [];
    r.finalZombie = table ? Array.from({ length: this.count }, (_, i) => isZombie(m, servicePid(table, i))) : [];
    r.finalInstances = Array.from({ length: this.count }, (_, i) => liveInstances(m, this.execed, i));
    return r;
  }
}

/** The reference campaign of each scenario (seeds 1…cleanSeeds(name)), run once and shared. */
const referenceCampaigns = new Map<string, { campaign: Campaign; runs: BootRun[] }>();

function referenceCampaign(name: string) {
  let r = referenceCampaigns.get(name);
  if (!r) {
    r = recordedCampaign(new BootRunRecorder(makeCampaignSystem(resolveTarget(name, 'reference', []))), cleanSeeds(name));
    referenceCampaigns.set(name, r);
  }
  return r;
}

const campaignParams = (name: string) => resolveTarget(name, 'reference', []).scenario.params.proc!.services!;
const allRunning = (r: BootRun) => r.finalSt !== null && r.finalSt.every((st) => st === SV_RUNNING) && r.finalLive.every((x) => x);
const tableText = (r: BootRun) => (r.finalSt ? r.finalSt.map((st, i) => `${SERVICE_NAMES[i]} ${SV_NAMES[st]}${r.finalLive[i] ? '' : ' (no live process)'}`).join(', ') : 'no svcinit table');

// ---- 1. reference is clean, and does the work ----

for (const name of BOOT_NAMES) {
  test(`boot scenarios: reference runs clean on ${name} for ${cleanSeeds(name)} seeds, and every run boots init and starts services`, (t) => {
    const { campaign, runs } = referenceCampaign(name);
    t.is(campaign.runs, cleanSeeds(name));
    t.deepEqual(campaign.orderedFindings().map((f) => `seed ${f.seed}: ${f.check} at step ${f.violation.step}: ${f.violation.message}`), []);
    t.is(campaign.failedRuns, 0);
    t.is(runs.length, cleanSeeds(name), 'one record per run');
    for (const r of runs) {
      t.is(r.bootFailure, 0, `seed ${r.seed}: booted`);
      t.is(r.initPid, 1, `seed ${r.seed}: init is PID 1 in slot 1`);
      t.is(r.initProgram, 'svcinit', `seed ${r.seed}: init runs the service manager`);
      t.true(r.finalSt !== null, `seed ${r.seed}: init's table is readable at the end`);
      t.true(r.programSteps > MIN_PROGRAM_STEPS[name], `seed ${r.seed}: ${r.programSteps} program steps`);
      // The table against the process table at the end: a Running service's PID runs its program
      // (or died a moment ago and is not reaped yet); a Failed one has no process; never two.
      (r.finalSt ?? []).forEach((st, i) => {
        const what = `seed ${r.seed}: ${SERVICE_NAMES[i]} ${SV_NAMES[st]}`;
        if (st === SV_RUNNING) t.true(r.finalLive[i] || r.finalZombie[i], `${what} on a PID that does not run it`);
        if (st === SV_FAILED) t.is(r.finalInstances[i], 0, `${what} but a process runs it`);
        t.true(r.finalInstances[i] <= 1, `${what}: ${r.finalInstances[i]} live instances`);
      });
      if (DELIVERS_EVERY_RUN.has(name)) t.true(r.delivered > 0, `seed ${r.seed}: IPC messages delivered (${r.delivered})`);
    }
    t.true(runs.some((r) => r.delivered > 0), 'IPC messages were delivered');
    t.true(runs.filter(allRunning).length >= 1, 'some run ends with every service Running on a live process');
    const count = campaign.runs > 0 ? runs[0].finalSt?.length ?? 0 : 0;
    t.is(count, name === 'init-small' ? 2 : 5, 'services configured');

    if (name === 'service-crash-loop') {
      const restarted = runs.filter((r) => r.restarts.some((n) => n > 0));
      const failed = runs.filter((r) => r.everFailed.some((x) => x));
      t.true(restarted.length > 0, 'some service was restarted (a new PID for the same service)');
      t.true(failed.length > 0, 'some service became Failed (restart intensity)');
      // Failed only after restarts: MaxR is 5 within MaxT, so a Failed service was restarted before.
      // (A failed fork is retried, not counted: only a death can make a service Failed, once MaxR
      // restarts lie within MaxT; so the table showed at least MaxR new PIDs for it.)
      const maxR = campaignParams(name).maxRestarts;
      for (const r of failed) {
        r.everFailed.forEach((f, i) => {
          if (f) t.true(r.restarts[i] >= maxR, `seed ${r.seed}: ${SERVICE_NAMES[i]} Failed after ${r.restarts[i]} restart(s); MaxR is ${maxR}`);
        });
      }
    }
    if (name === 'service-hang') {
      t.true(runs.some((r) => r.hung > 0), 'some service hung');
      t.true(runs.some((r) => r.hungKilled > 0 && r.hungRestarted > 0), 'some hung service was killed (SIGKILL) and restarted');
      for (const r of runs) t.true(r.hungKilled <= r.hung, `seed ${r.seed}: only hung processes counted`);
    }
    if (name === 'power-loss-reboot') {
      const lost = runs.filter((r) => r.boots > 1);
      t.true(lost.length > 0, 'some run had a power loss');
      t.true(lost.some(allRunning), `some run booted again and ended with every service Running (${lost.map((r) => `seed ${r.seed}: ${r.boots} boots, ${tableText(r)}`).join('; ')})`);
    }
    if (name === 'dependency-slow') {
      // Slow starts happen (the failing test at the end relies on this), and each is accounted for.
      const slow = runs.reduce((a, r) => a + r.slowStarts, 0);
      t.true(slow >= CLEAN_SEEDS, `${slow} slow starts`);
      for (const r of runs) t.true(r.slowRunning + r.slowKilled <= r.slowStarts, `seed ${r.seed}`);
    }
    if (name !== 'power-loss-reboot') t.true(runs.every((r) => r.boots === 1), 'no power loss in this scenario');
  });
}

test('boot scenarios: boot seed 1 ends with all five services Running on live PIDs running their programs; IPC flowed; init is PID 1', (t) => {
  const tg = resolveTarget('boot', 'reference', []);
  const { result, system } = runSeed(tg, 1);
  const m = system.machine;
  const p = m.procs!;
  t.deepEqual(show(result.violations), []);
  t.is(m.bootFailure, 0);
  t.is(p.t.pid[1], 1, 'init is PID 1');
  t.is(p.t.slotOf(1), 1, 'in slot 1');
  t.not(p.t.state[1], PS_ZOMBIE);
  t.is(programName(p.t.program[1]), 'svcinit');
  const table = initTable(m);
  if (!table) return t.fail('no svcinit table');
  const pids = new Set<number>();
  for (let i = 0; i < 5; i++) {
    const pid = servicePid(table, i);
    t.is(serviceState(table, i), SV_RUNNING, `${SERVICE_NAMES[i]} is ${SV_NAMES[serviceState(table, i)]}`);
    t.true(pid > 1, `${SERVICE_NAMES[i]}: PID ${pid}`);
    t.true(runsService(m, pid, i), `${SERVICE_NAMES[i]}: PID ${pid} is live and runs /sbin/${SERVICE_NAMES[i]}`);
    pids.add(pid);
  }
  t.is(pids.size, 5, 'five distinct PIDs');
  t.true(p.ipc.delivered > 0, `${p.ipc.delivered} IPC messages delivered`);
  // READY from each service plus health pings and their PONGs, at least.
  t.true(p.ipc.delivered >= 5 * 2, `${p.ipc.delivered} IPC messages delivered`);
  t.true(m.sim.now >= tg.scenario.params.maxTimeMicros || result.steps >= tg.scenario.params.maxSteps, 'the run went to its bound (services keep running)');
});

// ---- 7. init never exits ----

test('boot scenarios: across the reference campaigns init (PID 1) never exits and ends alive in slot 1', (t) => {
  let runs = 0;
  for (const name of BOOT_NAMES) {
    for (const r of referenceCampaign(name).runs) {
      runs++;
      t.is(r.initExits, 0, `${name} seed ${r.seed}: P_PROC_EXIT of PID 1`);
      t.is(r.initPid, 1, `${name} seed ${r.seed}`);
      t.not(r.initState, PS_FREE, `${name} seed ${r.seed}: slot 1 is in use`);
      t.not(r.initState, PS_ZOMBIE, `${name} seed ${r.seed}: init is not a zombie`);
    }
  }
  t.is(runs, BOOT_NAMES.reduce((a, name) => a + cleanSeeds(name), 0));
});

// ---- 2. the service-manager and IPC mutants ----

const BOOT_MUTANTS: Array<[mutant: string, scenario: string]> = [
  ['ipc-dead-peer-blocks', 'service-crash-loop'],
  ['intensity-off-by-one', 'service-crash-loop'],
  ['crash-in-starting-stuck', 'service-crash-loop'],
  ['dependency-not-ready', 'dependency-slow'],
  ['backoff-reset-on-start', 'service-crash-loop'],
];

for (const [mutant, scenario] of BOOT_MUTANTS) {
  const catchers = mutantInfo(mutant)!.catchers;
  test(`boot scenarios: ${mutant} on ${scenario} is found within ${MUTANT_SEEDS} seeds by ${catchers.join(' or ')}, and the shrunk replay reproduces it`, (t) => {
    const tg = resolveTarget(scenario, 'reference', [mutant]);
    const campaign = campaignToFirstFailure(tg, MUTANT_SEEDS);
    const found = campaign.orderedFindings();
    const [first] = found;
    if (!first) return t.fail(`no violation in ${MUTANT_SEEDS} seeds`);
    t.is(found.length, 1, 'the campaign stopped at the first failing run (one violation per run without collect)');
    t.true(catchers.includes(first.check), `seed ${first.seed} failed ${first.check}: ${first.violation.message}`);

    const findings = campaignFindings(tg, campaign, 100);
    t.is(findings.length, 1);
    const f = findings[0];
    t.is(f.check, first.check);
    t.is(f.violation.check, first.check, 'shrinking keeps the check');
    t.true(f.violation.step <= first.violation.step, `shrunk to step ${f.violation.step} from ${first.violation.step}`);
    t.deepEqual(f.replay.mutants, [mutant]);
    t.is(f.replay.scenario, scenario);
    t.is(f.replay.violation?.check, first.check);
    const { result } = replayRoundTrip(f.replay, mutant);
    t.is(result.violation?.check, f.violation.check, `${result.violation?.check}: ${result.violation?.message}`);
    t.is(result.violation?.step, f.violation.step, 'the same step');
    t.is(result.violation?.message, f.violation.message);
    t.is(result.traceHash, f.replay.traceHash, 'the same trace hash');
  });
}

// ---- 3. eclipse-b's service findings ----

/** What bug-zoo.md says eclipse-b must show on the service manager, with what each message says. */
const ECLIPSE_B_EXPECTED: Array<[check: string, message: RegExp]> = [
  ['S-SM-07', /marked Running without a READY/],
  ['S-SM-05', /was restarted \d+ µs after its failure/],
  ['S-IPC-04', /arrived as zeros/],
  // The table fills with terminated processes their parents have collected (eclipse-b never frees
  // a slot), so a fork fails with fewer than 64 slots in use.
  ['S-PM-13', /failed for lack of a process slot with only \d+ of 64 slots in use/],
];
const ECLIPSE_B_STUCK = ['L-SM-05', 'L-PM-02'];

test(`boot scenarios: eclipse-b on service-crash-loop (${ECLIPSE_B_SEEDS} seeds) reports S-SM-07, S-SM-05, S-IPC-04, S-PM-13 and L-SM-05 / L-PM-02, each with a replay document that reproduces it`, (t) => {
  const tg: Target = resolveTarget('service-crash-loop', 'eclipse-b', []);
  const campaign = new Campaign(makeCampaignSystem(tg));
  campaign.runSeeds(1, ECLIPSE_B_SEEDS + 1);
  t.is(campaign.runs, ECLIPSE_B_SEEDS);
  const ids = campaign.orderedFindings().map((f) => f.check);
  for (const [id, message] of ECLIPSE_B_EXPECTED) {
    const f = campaign.findings.get(id);
    if (!f) {
      t.fail(`${id} not among the findings: ${ids.join(', ')}`);
      continue;
    }
    t.regex(f.violation.message, message, id);
  }
  const stuck = ECLIPSE_B_STUCK.filter((id) => campaign.findings.has(id));
  t.true(stuck.length > 0, `init stuck in its reap loop: one of ${ECLIPSE_B_STUCK.join(', ')} among ${ids.join(', ')}`);

  // Only the findings under test are shrunk (shrinking every finding of these long runs is slow).
  const wanted = new Set([...ECLIPSE_B_EXPECTED.map(([id]) => id), ...stuck]);
  const subset = new Campaign(makeCampaignSystem(tg));
  subset.merge({ runs: campaign.runs, steps: campaign.steps, failedRuns: campaign.failedRuns, findings: campaign.orderedFindings().filter((f: CampaignFinding) => wanted.has(f.check)) });
  const findings = campaignFindings(tg, subset, 50);
  t.is(findings.length, wanted.size, 'one replay document per finding');
  for (const f of findings) {
    const cf = campaign.findings.get(f.check)!;
    t.is(f.violation.check, f.check, `${f.check}: shrinking keeps the check`);
    t.is(f.seed, cf.seed);
    t.true(f.violation.step <= cf.violation.step, `${f.check}: step ${f.violation.step}, originally ${cf.violation.step}`);
    const { doc, result } = replayRoundTrip(f.replay, f.check);
    t.is(doc.profile, 'eclipse-b');
    t.deepEqual(doc.mutants, []);
    t.is(doc.violation?.check, f.check);
    if (cf.alone) t.deepEqual(doc.checks, [f.check], `${f.check}: replayed with only its check enabled`);
    else t.falsy(doc.checks);
    t.is(result.violation?.check, f.check, `${f.check}: ${result.violation?.message}`);
    t.is(result.violation?.step, doc.violation?.step, `${f.check}: the same step`);
    t.is(result.violation?.message, doc.violation?.message, `${f.check}: the same message`);
    t.is(result.traceHash, doc.traceHash, `${f.check}: the same trace hash`);
  }
});

// ---- 4. exhaustive ----

test('boot scenarios: explore init-small on reference: complete, no violation, more than 1,000 states', (t) => {
  const tg = resolveTarget('init-small', 'reference', []);
  const s = tg.scenario;
  t.true(s.explorable);
  const { result: r, system } = exploreToEnd(tg);
  t.false(system.params.swarm, 'exploration branches on every enabled fault');
  t.deepEqual(show(r.violations.map((v) => v.violation)), []);
  t.true(r.complete, 'complete');
  t.is(r.stoppedBy, null);
  t.true(r.states > 1000, `${r.states} states`);
  t.true(r.runs > 10, `${r.runs} paths`);
  t.true(r.maxDepth > 100 && r.maxDepth < s.exploreMaxDepth, `deepest path ${r.maxDepth} events`);
});

// ---- 5. determinism ----

test('boot scenarios: boot seed 5 twice is one run; seed 6 is another; a system that ran seed 6 before runs seed 5 the same', (t) => {
  const tg = resolveTarget('boot', 'reference', []);
  const a = assertSeedDeterminesRun(t, tg, 5, 6, { sameTime: true });
  t.true(a.steps > 1000, `${a.steps} events: the whole boot and the services`);
  const again = runAfter(tg, 6, 5);
  t.is(again.traceHash, a.traceHash);
  t.is(again.steps, a.steps);
  t.deepEqual(again.choices, a.choices);
});

test('boot scenarios: power-loss-reboot: a reused system gives a run with a power loss the hash of a fresh one', (t) => {
  const tg = resolveTarget('power-loss-reboot', 'reference', []);
  const seed = referenceCampaign('power-loss-reboot').runs.find((r) => r.boots > 1)?.seed;
  if (seed === undefined) return t.fail('no seed with a power loss');
  const fresh = runSeed(tg, seed);
  t.true(fresh.system.machine.fsClients!.boots > 1, `seed ${seed} loses power`);
  const again = runAfter(tg, seed + 1, seed);
  t.is(again.traceHash, fresh.result.traceHash);
  t.is(again.steps, fresh.result.steps);
});

// ---- 6. boot failure ----

const NO_INIT = () => writeImage(dir({ etc: dir({ motd: file('x') }) }));

test('boot scenarios: boot from a disk without /sbin/init: BOOT_INIT_MISSING, no program runs, no violation', (t) => {
  const scenario = resolveTarget('boot', 'reference', []).scenario;
  const image = NO_INIT();
  for (const profile of ['reference', 'eclipse-b'] as const) {
    for (const collect of [false, true]) {
      const system = new ScenarioSystem({ scenario, profile, mutants: [], image, collect });
      for (const seed of [1, 2]) {
        const what = `${profile}${collect ? ' (collect)' : ''} seed ${seed}`;
        const r = runOnce(system, new RandomStrategy(seed));
        const m = system.machine;
        const p = m.procs!;
        t.is(m.bootFailure, BOOT_INIT_MISSING, what);
        t.deepEqual(show(r.violations), [], what);
        t.is(r.violation, null, what);
        t.is(p.programSteps, 0, `${what}: no program step`);
        t.is(p.t.state[1], PS_FREE, `${what}: init's slot was given back`);
        t.is(p.ipc.delivered, 0, what);
        t.true(r.steps < 5000, `${what}: ${r.steps} events, the machine stopped`);
      }
    }
  }
  // The scenario's own disk boots.
  const ok = runSeed(resolveTarget('boot', 'reference', []), 1).system.machine;
  t.is(ok.bootFailure, 0);
  t.true(ok.procs!.programSteps > 0);
});

// ---- dependency-slow: slow starts do start ----
//
// Regression (found by this file): the slow start is CPU time, and the CPU is shared round-robin
// in 10 ms slices with PID 0, whose idle loop halts through its whole slice (kernel.md §1, §4.1),
// so a 30 ms slow start takes about 100 ms of wall time; with the 50 ms start timeout every slow
// start was killed before its first step, and the scenario never showed a dependency that is slow
// yet starts while its dependents wait. Its start timeout is now 200 ms.
test('boot scenarios: dependency-slow: a service that starts slowly (30 ms of CPU) still reaches Running within the scenario’s start timeout', (t) => {
  const runs = referenceCampaign('dependency-slow').runs;
  const slow = runs.reduce((a, r) => a + r.slowStarts, 0);
  const running = runs.reduce((a, r) => a + r.slowRunning, 0);
  const killed = runs.reduce((a, r) => a + r.slowKilled, 0);
  t.true(running > 0, `${slow} slow starts in ${runs.length} seeds: ${running} reached Running, ${killed} were killed by init's start timeout`);
});
