import { Chooser } from './chooser.js';
import { Hasher64 } from './hash.js';
import { FingerprintSet } from './fingerprint-set.js';
import { DfsStrategy } from './strategy/dfs.js';
import type { StateStore } from './state-store.js';
import { SubtreeCursor } from './subtree-split.js';
import type { SimSystem } from './system.js';
import type { Violation } from './violation.js';
import type { Label } from './labels.js';
import { FingerprintAudit, type AuditFinding } from './audit.js';

/** Bounds of an exhaustive exploration. */
export interface ExploreOptions {
  /** Longest path, in events. Paths cut here make the result incomplete. */
  maxDepth: number;
  /** Most distinct states to store; reaching it stops the search (incomplete). */
  maxStates: number;
  /** Memory budget for the state store, in bytes; reaching it stops the search cleanly. */
  maxMemoryBytes: number;
  /** Stop at the first violation (default) or keep exploring. */
  stopAtFirstViolation: boolean;
  /** Audit every fingerprint against the full structural digest (sim/audit.ts); slower. */
  audit?: boolean;
  /**
   * The store of explored states, when it is not the explorer's own: the table a parallel search
   * shares between its workers (sim/shared-fingerprint-table.ts). Not with the audit, which
   * numbers the states of a store of its own.
   */
  store?: StateStore;
}

/** What the command line and the library drive: either explorer, advanced in slices. */
export interface ExplorerLike {
  readonly result: ExploreResult;
  readonly done: boolean;
  /** Events on the path last run, and choice points on the depth-first stack. */
  readonly depth: number;
  readonly stackSize: number;
  advance(maxRuns: number): boolean;
  stop(reason: 'interrupt'): void;
}

/**
 * An explorer a parallel search can share work with (both explorers are): it explores the choice
 * sequences under a prefix, and gives part of its untried subtrees away between slices.
 */
export interface SubtreeExplorer extends ExplorerLike {
  /**
   * Explores next exactly the choice sequences that begin with `prefix` (backtracking never goes
   * above it). The counters go on adding up; `complete` and `stoppedBy` are the new subtree's.
   */
  restartUnder(prefix: readonly number[]): void;
  /** Gives away untried subtrees (sim/subtree-split.ts): their prefixes; none if it has none yet. */
  split(): number[][];
}

/** What an exhaustive exploration found. */
export interface ExploreResult {
  /** Distinct states stored. */
  states: number;
  /** Events executed beyond replayed prefixes (edges of the explored graph). */
  transitions: number;
  /** Events executed in all, counting prefix re-execution. */
  executedSteps: number;
  /** Runs (paths) started. */
  runs: number;
  /** Deepest path seen, in events. */
  maxDepth: number;
  /** True when every choice sequence was explored within the bounds. */
  complete: boolean;
  /** Worker threads that explored (1 unless `explore --workers`). */
  workers?: number;
  /** With workers: subtrees explored (the whole tree, then each one handed over by work stealing). */
  subtrees?: number;
  /** Why the search stopped short, if it did. */
  stoppedBy: 'depth' | 'states' | 'memory' | 'violation' | 'interrupt' | 'audit' | null;
  /** With the audit: states whose digest was computed, and what it found (null: nothing). */
  audit?: { audited: number; finding: AuditFinding | null };
  /** Bytes held by the state store. */
  storeBytes: number;
  /**
   * How paths were explored: `stateless` re-runs each from the initial state; `stateful` restores
   * a snapshot before the step that made the choice (sim/explore-stateful.ts).
   */
  search: 'stateful' | 'stateless';
  /** Stateful search: the largest snapshot, in bytes, and the stride between snapshots on a path. */
  snapshot?: { bytes: number; stride: number };
  violations: Array<{ violation: Violation; choices: number[]; labels: Label[] }>;
}

/**
 * Exhaustive depth-first exploration over choice sequences (stateless search with state caching):
 * each path is re-run from the initial state with a choice prefix, and extended with 0 at every
 * new choice point. After each new event the system's 64-bit fingerprint is looked up; a state
 * already explored at the same or smaller depth ends the path. Then the deepest choice point with
 * an untried option is bumped. See architecture.md "a run is a choice sequence".
 *
 * The search advances in slices of runs (`advance`), so a caller can stop it between slices and
 * still report what it found; `explore` runs it to the end.
 */
export class Explorer implements SubtreeExplorer {
  private readonly dfs = new DfsStrategy();
  private readonly chooser = new Chooser(this.dfs);
  private readonly seen: StateStore;
  /** The store when it is the explorer's own (the audit numbers its states). */
  private readonly own: FingerprintSet | null;
  private readonly h = new Hasher64();
  /** The prefix the next path replays, and the subtree's floor (sim/subtree-split.ts). */
  private readonly subtree = new SubtreeCursor();
  private depthCut = false;
  private finished = false;
  private readonly audit: FingerprintAudit | null;
  /** With the audit: the state number and choice-log length after each step of the current path. */
  private idAt = new Int32Array(256);
  private logAt = new Int32Array(256);
  readonly result: ExploreResult = {
    states: 0,
    transitions: 0,
    executedSteps: 0,
    runs: 0,
    maxDepth: 0,
    complete: false,
    stoppedBy: null,
    storeBytes: 0,
    search: 'stateless',
    violations: [],
  };

  constructor(
    private readonly system: SimSystem,
    private readonly opts: ExploreOptions,
  ) {
    if (opts.audit && opts.store) throw new Error('the fingerprint audit needs a state store of its own');
    this.own = opts.store ? null : new FingerprintSet(1 << 12, opts.maxMemoryBytes);
    this.seen = opts.store ?? this.own!;
    this.audit = opts.audit ? new FingerprintAudit(system) : null;
    if (this.audit) this.own!.trackIds();
    // The initial state.
    this.chooser.reset(this.dfs);
    this.dfs.setPrefix(this.subtree.prefix, 0);
    system.begin(this.chooser, 0);
    system.fingerprint(this.h);
    this.seen.visit(this.h.h1, this.h.h2, 0);
    if (this.audit) {
      // The root's edge is empty: choices made at the start of a run belong to its first step's edge.
      this.audit.stored(0, -1, 0, this.chooser.log.values, 0, 0);
      this.result.audit = { audited: 0, finding: null };
    }
  }

  /** Audits the state just visited at `depth`; false when the audit found a difference. */
  private audited(depth: number, isNew: boolean): boolean {
    const audit = this.audit!;
    const log = this.chooser.log;
    const id = this.own!.visitedId;
    if (this.idAt.length <= depth) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(Math.max(a.length * 2, depth + 1));
        b.set(a);
        return b;
      };
      this.idAt = grow(this.idAt);
      this.logAt = grow(this.logAt);
    }
    if (isNew) audit.stored(id, this.idAt[depth - 1], depth, log.values, this.logAt[depth - 1], log.length);
    else if (!audit.revisited(id, () => log.valuesArray(), depth)) return false;
    this.idAt[depth] = id;
    this.logAt[depth] = log.length;
    return true;
  }

  get done(): boolean {
    return this.finished;
  }

  /** For progress lines, between slices: events on the path last run… */
  get depth(): number {
    return this.system.steps;
  }

  /** …and choice points on the depth-first stack (the prefix the next path replays). */
  get stackSize(): number {
    return this.subtree.prefixLength;
  }

  /** Stops the search early (an interrupt); the result says so. */
  stop(reason: 'interrupt'): void {
    if (this.finished) return;
    this.finished = true;
    this.result.stoppedBy = reason;
    this.sync();
  }

  restartUnder(prefix: readonly number[]): void {
    this.subtree.restartUnder(prefix);
    this.depthCut = false;
    this.finished = false;
    this.result.complete = false;
    this.result.stoppedBy = null;
  }

  split(): number[][] {
    return this.finished ? [] : this.subtree.split(this.chooser.log);
  }

  /** Explores up to `maxRuns` more paths. Returns true when the search is over. */
  advance(maxRuns: number): boolean {
    const { system, opts, seen, h, dfs, chooser, result, subtree } = this;
    for (let r = 0; r < maxRuns && !this.finished; r++) {
      if (seen.size >= opts.maxStates) {
        // The initial state alone may fill the bound.
        this.finish('states');
        break;
      }
      result.runs++;
      dfs.setPrefix(subtree.prefix, subtree.prefixLength);
      chooser.reset(dfs);
      system.begin(chooser, 0);
      const log = chooser.log;
      const prefixLength = subtree.prefixLength;
      // Choice points at index < prefixLength replay the prefix; the path is new once the last
      // prefix choice (the one just bumped) has been consumed.
      let fresh = prefixLength === 0;
      while (system.step()) {
        result.executedSteps++;
        if (!fresh && log.length >= prefixLength) fresh = true;
        if (!fresh) continue;
        result.transitions++;
        const depth = system.steps;
        if (depth > result.maxDepth) result.maxDepth = depth;
        h.reset();
        system.fingerprint(h);
        if (this.audit) {
          const before = seen.size;
          const go = seen.visit(h.h1, h.h2, depth);
          if (!this.audited(depth, seen.size > before)) {
            this.finish('audit');
            break;
          }
          if (!go) break;
        } else if (!seen.visit(h.h1, h.h2, depth)) break;
        if (seen.full) break; // the memory budget is reached: stop within this path
        // The state bound is exact: the state just stored may be the last one (checked below).
        if (seen.size >= opts.maxStates) break;
        if (depth >= opts.maxDepth) {
          this.depthCut = true;
          break;
        }
      }
      if (this.finished) break;
      if (system.violation) {
        result.executedSteps++;
        result.violations.push({ violation: system.violation, choices: log.valuesArray(), labels: log.labelsArray() });
        if (opts.stopAtFirstViolation) {
          this.finish('violation');
          break;
        }
      }
      if (seen.size >= opts.maxStates) {
        this.finish('states');
        break;
      }
      if (seen.full) {
        this.finish('memory');
        break;
      }
      // Backtrack: the deepest choice point with an untried option, within the subtree.
      if (subtree.backtrack(log) < 0) {
        if (this.depthCut) this.finish('depth');
        else {
          result.complete = true;
          this.finish(null);
        }
        break;
      }
    }
    this.sync();
    return this.finished;
  }

  private finish(reason: ExploreResult['stoppedBy']): void {
    this.finished = true;
    this.result.stoppedBy = reason;
  }

  private sync(): void {
    this.result.states = this.seen.size;
    this.result.storeBytes = this.seen.bytes();
    if (this.audit) this.result.audit = { audited: this.audit.audited, finding: this.audit.finding };
  }
}

/** Runs an exhaustive exploration to its end. */
export function explore(system: SimSystem, opts: ExploreOptions): ExploreResult {
  const e = new Explorer(system, opts);
  while (!e.advance(1 << 20)) {
    // keep going
  }
  return e.result;
}
