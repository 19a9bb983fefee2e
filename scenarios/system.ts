import { Chooser } from '../sim/chooser.js';
import type { Hasher64 } from '../sim/hash.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import { ReplayDivergence } from '../sim/strategy/replay.js';
import type { SimSystem } from '../sim/system.js';
import { MODEL_CRASH, type Violation } from '../sim/violation.js';
import { virtioCheckFamilies } from '../checks/registry.js';
import type { CheckFamily } from '../checks/check.js';
import type { VirtioParams } from '../model/params.js';
import type { Profile } from '../model/profile.js';
import { VirtioMachine } from '../model/virtio-machine.js';
import type { Scenario } from './scenario.js';
import { builtInImage, fileList } from './fs-images.js';

/** How one system is configured: which scenario, profile and mutants, and any overrides. */
export interface SystemConfig {
  scenario: Scenario;
  profile: Profile;
  mutants: readonly string[];
  /** Parameter overrides (explore turns swarm off, for example). */
  overrides?: Partial<VirtioParams>;
  /** A user's image (`--image`), for a file-system scenario; default: the scenario's built-in. */
  image?: Uint8Array;
  /**
   * Which checks may end a run: ids or prefixes ending in "*" ("S-FS-*"). Default: all. Disabled
   * checks still run, but their violations are ignored. MODEL-CRASH is always enabled.
   */
  checks?: readonly string[];
  /** Keep going after a violation and report every distinct check violated (campaigns). */
  collect?: boolean;
}

/** Does `id` match one of the patterns (exact ids, or prefixes ending in "*")? */
export function checkSelected(id: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0 || id === MODEL_CRASH) return true;
  return patterns.some((p) => (p.endsWith('*') ? id.startsWith(p.slice(0, -1)) : id === p));
}

/** The effective parameters of a configuration. */
export function effectiveParams(config: SystemConfig): VirtioParams {
  return { ...config.scenario.params, ...(config.overrides ?? {}) };
}

/**
 * A scenario's machine with its check families, as the steppable system the explorers drive.
 * After every event it runs every family; a thrown exception inside the model becomes a
 * MODEL-CRASH violation (with the replay that reproduces it), never a crash of the tool.
 */
export class ScenarioSystem implements SimSystem {
  readonly machine: VirtioMachine;
  readonly families: CheckFamily[];
  readonly params: VirtioParams;
  violation: Violation | null = null;
  readonly violations: Violation[] = [];
  private readonly found = new Set<string>();
  private over = false;
  /** Called after every step, before the checks (replay --trace annotates the trace with it). */
  observer: ((m: VirtioMachine) => void) | null = null;

  constructor(readonly config: SystemConfig) {
    this.params = effectiveParams(config);
    let fs: { image: Uint8Array; files: ReturnType<typeof fileList> } | undefined;
    if (this.params.fs) {
      const image = config.image ?? builtInImage(this.params.fs.image, config.profile);
      if (!image) throw new Error(`no image "${this.params.fs.image}"`);
      fs = { image, files: fileList(image) };
    }
    this.machine = new VirtioMachine({ profile: config.profile, mutants: config.mutants, params: this.params, fs }, new Chooser(new RandomStrategy(0)));
    this.families = virtioCheckFamilies(this.machine);
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
    // The machine first: the families read its fresh state (clock at 0, fault counters at 0) as
    // their starting point, never what the previous run left.
    this.machine.begin(chooser, keepTrace);
    for (const f of this.families) f.begin();
  }

  /**
   * Records a violation; true if the run ends here. Without `collect` the first violation ends it;
   * with it, only a model crash does, and a check is reported once.
   */
  private record(v: Violation): boolean {
    if (!checkSelected(v.check, this.config.checks) || this.found.has(v.check)) return false;
    this.found.add(v.check);
    this.violations.push(v);
    if (!this.violation) this.violation = v;
    return !this.config.collect || v.check === MODEL_CRASH;
  }

  step(): boolean {
    if (this.over) return false;
    const m = this.machine;
    m.probes.clear();
    let more: boolean;
    try {
      more = m.sim.step();
    } catch (e) {
      if (e instanceof ReplayDivergence) throw e;
      this.record({ check: MODEL_CRASH, step: m.sim.steps, time: m.sim.now, message: `the model threw: ${e instanceof Error ? e.message : String(e)}` });
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
    if (m.sim.steps >= this.params.maxSteps || m.sim.now >= this.params.maxTimeMicros) return this.end(false);
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

  fingerprint(h: Hasher64): void {
    this.machine.fingerprint(h);
    const now = this.machine.sim.now;
    for (const f of this.families) f.fingerprint(h, now);
  }
}
