import { Chooser } from '../sim/chooser.js';
import type { Hasher64 } from '../sim/hash.js';
import { L_TIE } from '../sim/labels.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import { ReplayDivergence } from '../sim/strategy/replay.js';
import type { SimSystem } from '../sim/system.js';
import { MODEL_CRASH, MODEL_HANG, type Violation } from '../sim/violation.js';
import { WorkBoundExceeded } from '../sim/work-bound.js';
import { checkFamilies } from '../checks/registry.js';
import type { CheckFamily } from '../checks/check.js';
import type { MachineParams } from '../model/params.js';
import type { Profile } from '../model/profile.js';
import { Machine } from '../model/machine.js';
import type { Scenario } from './scenario.js';
import { builtInImage, fileList } from './fs-images.js';
import type { StateDecl } from '../sim/state-walk.js';
import { paramsForKnobs, SwarmKnobs } from './swarm-knobs.js';

/** How one system is configured: which scenario, profile and mutants, and any overrides. */
export interface SystemConfig {
  scenario: Scenario;
  profile: Profile;
  mutants: readonly string[];
  /** Parameter overrides (explore turns swarm off, for example). */
  overrides?: Partial<MachineParams>;
  /** A user's image (`--image`), for a file-system scenario; default: the scenario's built-in. */
  image?: Uint8Array;
  /**
   * Which checks may end a run: ids or prefixes ending in "*" ("S-FS-*"). Default: all. Disabled
   * checks still run, but their violations are ignored. MODEL-CRASH and MODEL-HANG are always
   * enabled.
   */
  checks?: readonly string[];
  /** Keep going after a violation and report every distinct check violated (campaigns). */
  collect?: boolean;
}

/**
 * How far a campaign run goes on after its first violation (collect mode), to report the further
 * checks it breaks: at most this many more events and this much more simulated time. Then it
 * stops there, without the end-of-run judgements (it did not end). Without this bound a broken
 * model keeps every failing seed busy up to its step bound. Measured over eclipse-b and the 20
 * mutants on every scenario (5 % of each budget), later findings came within 3,200 events of the
 * first on the VirtIO scenarios, 9,000 on fs-read, 24,000 on the whole-system ones, where many
 * seeds find each of them; the set of checks found did not change.
 */
export const AFTER_VIOLATION_STEPS = 20_000;
export const AFTER_VIOLATION_MICROS = 1_000_000;

/** Does `id` match one of the patterns (exact ids, or prefixes ending in "*")? */
export function checkSelected(id: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0 || id === MODEL_CRASH || id === MODEL_HANG) return true;
  return patterns.some((p) => (p.endsWith('*') ? id.startsWith(p.slice(0, -1)) : id === p));
}

/** The effective parameters of a configuration. */
export function effectiveParams(config: SystemConfig): MachineParams {
  return { ...config.scenario.params, ...(config.overrides ?? {}) };
}

/**
 * A scenario's machine with its check families, as the steppable system the explorers drive.
 * After every event it runs every family; a thrown exception inside the model becomes a
 * MODEL-CRASH violation (with the replay that reproduces it), never a crash of the tool.
 */
export class ScenarioSystem implements SimSystem {
  static readonly stateDecl: StateDecl = { fixed: ['config', 'params', 'runParams', 'knobs'], observed: ['observer', 'choosingKinds', 'chooser'] };

  readonly machine: Machine;
  readonly families: CheckFamily[];
  /** The parameters as configured (before any swarm knob): what a replay file records. */
  readonly params: MachineParams;
  /**
   * What the machine's parts read: `params` itself, or with swarm knobs the system's own copy,
   * which the knobs change from run to run.
   */
  readonly runParams: MachineParams;
  /** The scenario's swarm knobs, drawn at the start of every run (null without swarm or knobs). */
  readonly knobs: SwarmKnobs | null;
  violation: Violation | null = null;
  readonly violations: Violation[] = [];
  private readonly found = new Set<string>();
  private over = false;
  /** Collect mode: the run ends at this step or time (set by its first violation). */
  private stopStep = Infinity;
  private stopTime = Infinity;
  /** Event kinds that have made a choice in some step (learned; see nextStepMayChoose). */
  private readonly choosingKinds = new Uint8Array(256);
  private chooser: Chooser | null = null;
  /** Called after every step, before the checks (replay --trace annotates the trace with it). */
  observer: ((m: Machine) => void) | null = null;

  constructor(readonly config: SystemConfig) {
    const params = effectiveParams(config);
    const declared = config.scenario.swarmKnobs ?? [];
    const withKnobs = declared.length > 0 && params.swarm;
    this.params = params;
    // The knobs write into the system's own copy of the parameters, which the parts read.
    this.runParams = withKnobs ? paramsForKnobs(params) : params;
    let fs: { image: Uint8Array; files: ReturnType<typeof fileList> } | undefined;
    if (this.params.fs) {
      const image = config.image ?? builtInImage(this.params.fs.image, config.profile);
      if (!image) throw new Error(`no image "${this.params.fs.image}"`);
      fs = { image, files: fileList(image) };
    }
    this.machine = new Machine({ profile: config.profile, mutants: config.mutants, params: this.runParams, fs }, new Chooser(new RandomStrategy(0)));
    this.knobs = withKnobs ? new SwarmKnobs(declared, this.runParams) : null;
    this.families = checkFamilies(this.machine);
    const only = config.checks;
    // A check already violated in this run is not reported again (collect mode).
    for (const f of this.families) f.selected = (id) => checkSelected(id, only) && !this.found.has(id);
  }

  get steps(): number {
    return this.machine.sim.steps;
  }

  get now(): number {
    return this.machine.sim.now;
  }

  begin(chooser: Chooser, keepTrace: number): void {
    this.violation = null;
    this.violations.length = 0;
    this.found.clear();
    this.over = false;
    this.stopStep = Infinity;
    this.stopTime = Infinity;
    this.chooser = chooser;
    // The workload's knobs before the machine: it begins with what they drew.
    if (this.knobs) this.knobs.draw(chooser, this.machine);
    // The machine first: the families read its fresh state (clock at 0, fault counters at 0) as
    // their starting point, never what the previous run left.
    this.machine.begin(chooser, keepTrace);
    for (const f of this.families) f.begin();
  }

  /**
   * Records a violation; true if the run ends here. Without `collect` the first violation ends it;
   * with it, only a model crash or hang does (or the bound after the first), and a check is
   * reported once.
   */
  private record(v: Violation): boolean {
    if (!checkSelected(v.check, this.config.checks) || this.found.has(v.check)) return false;
    this.found.add(v.check);
    this.violations.push(v);
    if (!this.violation) {
      this.violation = v;
      this.stopStep = v.step + AFTER_VIOLATION_STEPS;
      this.stopTime = v.time + AFTER_VIOLATION_MICROS;
    }
    return !this.config.collect || v.check === MODEL_CRASH || v.check === MODEL_HANG;
  }

  step(): boolean {
    if (this.over) return false;
    const m = this.machine;
    m.probes.clear();
    let more: boolean;
    const logBefore = this.chooser!.log.length;
    try {
      more = m.sim.step();
      const log = this.chooser!.log;
      if (log.length !== logBefore) this.learnChoosing(log.labels, logBefore, log.length, m.sim.queue.poppedKind);
    } catch (e) {
      if (e instanceof ReplayDivergence) throw e;
      if (e instanceof WorkBoundExceeded) this.record({ check: MODEL_HANG, step: m.sim.steps, time: m.sim.now, message: `the model would hang: ${e.message}` });
      else this.record({ check: MODEL_CRASH, step: m.sim.steps, time: m.sim.now, message: `the model threw: ${e instanceof Error ? e.message : String(e)}` });
      this.over = true;
      return false;
    }
    if (this.observer && more) this.observer(m);
    const families = this.families;
    if (!more) return this.end(true);
    for (let i = 0; i < families.length; i++) {
      let v: Violation | null;
      try {
        v = families[i].afterStep();
      } catch (e) {
        // A check (the oracle reading a damaged image, say) threw: reported like a model crash,
        // with its replay, never as an engine error that loses the campaign.
        v = { check: MODEL_CRASH, step: m.sim.steps, time: m.sim.now, message: `a check threw: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (v && this.record(v)) {
        this.over = true;
        return false;
      }
    }
    const steps = m.sim.steps;
    const now = m.sim.now;
    if (steps >= this.params.maxSteps || now >= this.params.maxTimeMicros) return this.end(false);
    if (steps >= this.stopStep || now >= this.stopTime) {
      // Cut short: not the end of the run, so nothing is judged "at the end".
      this.over = true;
      return false;
    }
    return true;
  }

  /** The run is over: the families judge what was left undone. */
  private end(quiescent: boolean): boolean {
    this.over = true;
    const families = this.families;
    for (let i = 0; i < families.length; i++) {
      let v: Violation | null;
      try {
        v = families[i].atEnd(quiescent);
      } catch (e) {
        v = { check: MODEL_CRASH, step: this.machine.sim.steps, time: this.machine.sim.now, message: `a check threw at the end of the run: ${e instanceof Error ? e.message : String(e)}` };
      }
      if (v && this.record(v)) break;
    }
    return false;
  }

  outcome(): string | null {
    const why = this.machine.bootFailureReason();
    return why === null ? null : `boot failed: ${why}`;
  }

  traceHash(): string {
    return this.machine.sim.trace.hex();
  }

  /**
   * The step just run made the choices labels[from..to): its kind chooses inside its handler
   * unless they were all the tie among events due at once, which nextStepMayChoose sees from the
   * queue (learning the tie too would mark every kind that ever tied as choosing).
   */
  private learnChoosing(labels: Int32Array, from: number, to: number, kind: number): void {
    for (let i = from; i < to; i++) {
      if (labels[i] !== L_TIE) {
        this.choosingKinds[kind & 255] = 1;
        return;
      }
    }
  }

  nextStepMayChoose(): boolean {
    const q = this.machine.sim.queue;
    const n = q.choiceCount();
    // Several candidates (a tie, or in orders=all any eligible step): the queue chooses. A lone
    // candidate is the earliest event; it may choose inside its handler if its kind ever has.
    return n > 1 || (n === 1 && this.choosingKinds[q.kind[q.earliest] & 255] === 1);
  }

  stateRoots(): readonly object[] {
    return [this];
  }

  coverageCounts(): Float64Array {
    return this.machine.coverage.counts;
  }

  fingerprint(h: Hasher64): void {
    this.knobs?.fingerprint(h);
    this.machine.fingerprint(h);
    const now = this.machine.sim.now;
    for (const f of this.families) f.fingerprint(h, now);
  }
}
