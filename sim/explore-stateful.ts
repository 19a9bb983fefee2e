import { Chooser } from './chooser.js';
import { Hasher64 } from './hash.js';
import { FingerprintSet } from './fingerprint-set.js';
import type { StateStore } from './state-store.js';
import { SubtreeCursor } from './subtree-split.js';
import { DfsStrategy } from './strategy/dfs.js';
import { Snapshot, Snapshotter } from './snapshot.js';
import { FingerprintAudit } from './audit.js';
import type { SimSystem } from './system.js';
import type { ExploreOptions, ExploreResult, SubtreeExplorer } from './explore.js';

/**
 * Exhaustive depth-first exploration with state caching and snapshots (stateful search): the
 * same choice-sequence order and state store as the stateless `Explorer`, but instead of re-running
 * every path from the initial state, the state before each step of the current path is kept as a
 * snapshot (sim/snapshot.ts), and backtracking to a choice point restores the snapshot taken just
 * before the step that made the choice and re-executes that one step with the next option. So
 * each event executed is an edge of the explored graph: events per state is transitions per state.
 * Choices made when a run begins (before its first step) still restart the run.
 */
export class StatefulExplorer implements SubtreeExplorer {
  private readonly dfs = new DfsStrategy();
  private readonly chooser = new Chooser(this.dfs);
  private readonly seen: StateStore;
  /** The store when it is the explorer's own (the audit numbers its states). */
  private readonly own: FingerprintSet | null;
  private readonly h = new Hasher64();
  private readonly snapper: Snapshotter;
  /** snaps[d]: the state at depth d of the current path (before its step d + 1). */
  private readonly snaps: Snapshot[] = [];
  /** logAt[d]: the choice-log length at depth d of the current path. */
  private logAt = new Int32Array(256);
  /** valid[d]: a snapshot was taken at depth d of the current path (only before steps that may choose). */
  private valid = new Uint8Array(256);
  /** With the audit: the state number at each depth of the current path. */
  private idAt = new Int32Array(256);
  /** The prefix the next path replays, and the subtree's floor (sim/subtree-split.ts). */
  private readonly subtree = new SubtreeCursor();
  /** Where the next path starts: −1 from `begin`, else the depth whose snapshot to restore. */
  private resumeDepth = -1;
  private pathDepth = 0;
  /** Snapshots are taken at depths that are multiples of this (1 unless memory is short). */
  private stride = 1;
  /** The largest snapshot taken, in bytes (for the memory budget). */
  private snapshotBytesEach = 0;
  /** The deepest depth of the current path whose snapshot was taken. */
  private top = 0;
  private depthCut = false;
  private finished = false;
  private readonly audit: FingerprintAudit | null;
  readonly result: ExploreResult = {
    states: 0,
    transitions: 0,
    executedSteps: 0,
    runs: 0,
    maxDepth: 0,
    complete: false,
    stoppedBy: null,
    storeBytes: 0,
    search: 'stateful',
    violations: [],
  };

  constructor(
    private readonly system: SimSystem,
    private readonly opts: ExploreOptions,
  ) {
    if (!system.stateRoots) throw new Error('stateful exploration needs a system with state roots');
    this.snapper = new Snapshotter(system.stateRoots());
    if (opts.audit && opts.store) throw new Error('the fingerprint audit needs a state store of its own');
    this.own = opts.store ? null : new FingerprintSet(1 << 12, opts.maxMemoryBytes);
    this.seen = opts.store ?? this.own!;
    this.audit = opts.audit ? new FingerprintAudit(system) : null;
    if (this.audit) this.own!.trackIds();
    this.chooser.reset(this.dfs);
    this.dfs.setPrefix(this.subtree.prefix, 0);
    system.begin(this.chooser, 0);
    system.fingerprint(this.h);
    this.seen.visit(this.h.h1, this.h.h2, 0);
    if (this.audit) {
      this.audit.stored(0, -1, 0, this.chooser.log.values, 0, 0);
      this.result.audit = { audited: 0, finding: null };
    }
  }

  get done(): boolean {
    return this.finished;
  }

  get depth(): number {
    return this.pathDepth;
  }

  get stackSize(): number {
    return this.subtree.prefixLength;
  }

  /** Bytes the snapshots hold. */
  snapshotBytes(): number {
    let n = 0;
    for (const s of this.snaps) n += snapshotSize(s);
    return n;
  }

  /** The stride between snapshots on a path (1: before every step that may choose). */
  get snapshotStride(): number {
    return this.stride;
  }

  stop(reason: 'interrupt'): void {
    if (this.finished) return;
    this.finished = true;
    this.result.stoppedBy = reason;
    this.sync();
  }

  restartUnder(prefix: readonly number[]): void {
    this.subtree.restartUnder(prefix);
    this.resumeDepth = -1;
    this.depthCut = false;
    this.finished = false;
    this.result.complete = false;
    this.result.stoppedBy = null;
  }

  split(): number[][] {
    return this.finished ? [] : this.subtree.split(this.chooser.log);
  }

  /**
   * Depth d of the current path is reached: records the log length there and, before a step
   * that may make a choice (and always at depth 0), a snapshot — at depths that are a multiple of
   * the stride, which doubles whenever the path's snapshots would pass their memory budget (a
   * deep path of a large state keeps every second, fourth … snapshot, and backtracking
   * re-executes the few steps from the one before).
   */
  private snapshotAt(d: number): void {
    if (this.logAt.length <= d) {
      this.logAt = grow(this.logAt, d + 1);
      this.idAt = grow(this.idAt, d + 1);
      const v = new Uint8Array(this.logAt.length);
      v.set(this.valid);
      this.valid = v;
    }
    this.logAt[d] = this.chooser.log.length;
    this.top = d;
    this.valid[d] = 0;
    if (d > 0 && (d % this.stride !== 0 || (this.system.nextStepMayChoose && !this.system.nextStepMayChoose()))) return;
    while (this.snaps.length <= d) this.snaps.push(new Snapshot());
    const snap = this.snaps[d];
    this.snapper.take(snap);
    this.valid[d] = 1;
    if (this.snapshotBytesEach === 0 || (d & 63) === 0) {
      const bytes = snapshotSize(snap);
      if (bytes > this.snapshotBytesEach) this.snapshotBytesEach = bytes;
    }
    if (d > 0 && this.snapshotBytesEach * (d / this.stride + 1) > this.opts.maxMemoryBytes / 4) this.thin(d);
  }

  /** Doubles the stride: drops the snapshots of the current path at depths no longer kept. */
  private thin(d: number): void {
    this.stride *= 2;
    for (let k = 1; k < this.snaps.length; k++) {
      if (k % this.stride === 0) continue;
      if (k <= d) this.valid[k] = 0;
      this.snaps[k] = new Snapshot();
    }
  }

  advance(maxRuns: number): boolean {
    const { system, opts, seen, h, dfs, chooser, result, subtree } = this;
    const log = chooser.log;
    for (let r = 0; r < maxRuns && !this.finished; r++) {
      if (seen.size >= opts.maxStates) {
        this.finish('states');
        break;
      }
      result.runs++;
      dfs.setPrefix(subtree.prefix, subtree.prefixLength);
      let depth: number;
      if (this.resumeDepth < 0) {
        chooser.reset(dfs);
        system.begin(chooser, 0);
        depth = 0;
      } else {
        depth = this.resumeDepth;
        this.top = depth;
        this.snapper.restore(this.snaps[depth]);
        log.length = this.logAt[depth];
      }
      const prefixLength = subtree.prefixLength;
      let fresh = log.length >= prefixLength;
      for (;;) {
        // The state before this step, unless it is the one just restored.
        if (depth !== this.resumeDepth) this.snapshotAt(depth);
        this.resumeDepth = -2;
        if (!system.step()) break;
        result.executedSteps++;
        depth++;
        this.pathDepth = depth;
        if (!fresh && log.length >= prefixLength) fresh = true;
        if (!fresh) continue;
        result.transitions++;
        if (depth > result.maxDepth) result.maxDepth = depth;
        h.reset();
        system.fingerprint(h);
        const before = seen.size;
        const go = seen.visit(h.h1, h.h2, depth);
        if (this.audit && !this.audited(depth, seen.size > before)) {
          this.finish('audit');
          break;
        }
        if (!go) break;
        if (seen.full) break;
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
      // Backtrack: the deepest choice point with an untried option within the subtree…
      const i = subtree.backtrack(log);
      if (i < 0) {
        if (this.depthCut) this.finish('depth');
        else {
          result.complete = true;
          this.finish(null);
        }
        break;
      }
      // …and the state before the step that made it: the deepest depth whose log length is ≤ i.
      // A choice made when the run began (before step 1) restarts the run.
      if (i < this.logAt[0]) this.resumeDepth = -1;
      else {
        let d = this.top;
        while (this.logAt[d] > i) d--;
        // Without a snapshot there (the step was not expected to choose), from the one before,
        // re-executing the steps in between.
        while (this.valid[d] === 0) d--;
        this.resumeDepth = d;
      }
    }
    this.sync();
    return this.finished;
  }

  /** Audits the state just visited at `depth`; false when the audit found a difference. */
  private audited(depth: number, isNew: boolean): boolean {
    const audit = this.audit!;
    const log = this.chooser.log;
    const id = this.own!.visitedId;
    if (this.idAt.length <= depth) {
      this.idAt = grow(this.idAt, depth + 1);
      this.logAt = grow(this.logAt, depth + 1);
    }
    // Choices made as the run began belong to the first step's edge (the root's edge is empty).
    const from = depth === 1 ? 0 : this.logAt[depth - 1];
    if (isNew) audit.stored(id, this.idAt[depth - 1], depth, log.values, from, log.length);
    else if (!audit.revisited(id, () => log.valuesArray(), depth)) return false;
    this.idAt[depth] = id;
    return true;
  }

  private finish(reason: ExploreResult['stoppedBy']): void {
    this.finished = true;
    this.result.stoppedBy = reason;
  }

  private sync(): void {
    this.result.states = this.seen.size;
    this.result.storeBytes = this.seen.bytes();
    this.result.snapshot = { bytes: this.snapshotBytesEach, stride: this.stride };
    if (this.audit) this.result.audit = { audited: this.audit.audited, finding: this.audit.finding };
  }
}

function snapshotSize(s: Snapshot): number {
  let n = s.cells.length * 8 + s.numbers.byteLength;
  for (const c of s.copies) n += c.byteLength;
  return n;
}

function grow(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(a.length * 2, min));
  b.set(a);
  return b;
}
