import { Chooser } from './chooser.js';
import { Hasher64 } from './hash.js';
import { stateDigest, type DigestEntry } from './state-walk.js';
import { ReplayStrategy } from './strategy/replay.js';
import type { SimSystem } from './system.js';

/**
 * The fingerprint audit (`explore --audit`). For every stored fingerprint it keeps the full
 * structural digest (sim/state-walk.ts) of the first state that had it, and the path that reached
 * that state (its parent state and the choices of the step between, so the path costs a few bytes
 * a state). A later state with the same fingerprint and another digest means the hand-written
 * fingerprint merged two states that differ: the search stops and the audit replays both paths
 * and names the fields that differ.
 */
export interface AuditFinding {
  /** The fields that differ, as Class.field. */
  readonly fields: string[];
  /** Choice sequences reaching the two states, and their depths in events. */
  readonly first: { choices: number[]; depth: number };
  readonly second: { choices: number[]; depth: number };
  readonly message: string;
}

export class FingerprintAudit {
  private d1: Int32Array<ArrayBuffer> = new Int32Array(1 << 12);
  private d2: Int32Array<ArrayBuffer> = new Int32Array(1 << 12);
  private parent = new Int32Array(1 << 12);
  private depth = new Int32Array(1 << 12);
  private edgeStart = new Int32Array(1 << 12);
  private edgeLength = new Int32Array(1 << 12);
  private pool = new Int32Array(1 << 14);
  private poolLength = 0;
  private readonly h = new Hasher64();
  /** States audited (digests computed). */
  audited = 0;
  finding: AuditFinding | null = null;

  constructor(private readonly system: SimSystem) {
    if (!system.stateRoots) throw new Error('this system has no state roots to audit');
  }

  /** Bytes held by the audit's tables. */
  bytes(): number {
    return (this.d1.length * 6 + this.pool.length) * 4;
  }

  /** The digest of the system's state now. */
  private digest(): void {
    this.h.reset();
    stateDigest(this.system.stateRoots!(), this.system.now, this.h);
    this.audited++;
  }

  /**
   * A new state `id` (stored in this order, 0 = the initial state), reached from state `parent`
   * by the step whose choices are `values[from..to)`.
   */
  stored(id: number, parent: number, depth: number, values: Int32Array, from: number, to: number): void {
    this.digest();
    this.ensure(id + 1);
    this.d1[id] = this.h.h1;
    this.d2[id] = this.h.h2;
    this.parent[id] = parent;
    this.depth[id] = depth;
    const len = to - from;
    if (this.poolLength + len > this.pool.length) {
      const p = new Int32Array(Math.max(this.pool.length * 2, this.poolLength + len));
      p.set(this.pool.subarray(0, this.poolLength));
      this.pool = p;
    }
    this.pool.set(values.subarray(from, to), this.poolLength);
    this.edgeStart[id] = this.poolLength;
    this.edgeLength[id] = len;
    this.poolLength += len;
  }

  /**
   * A state with the fingerprint of stored state `id`, reached by `choices` in `depth` events.
   * Returns false (and sets `finding`) when their digests differ.
   */
  revisited(id: number, choices: () => number[], depth: number): boolean {
    this.digest();
    if (this.h.h1 === this.d1[id] && this.h.h2 === this.d2[id]) return true;
    // The second state is the system's state now: its fields first, before any replay.
    const now: DigestEntry[] = [];
    stateDigest(this.system.stateRoots!(), this.system.now, new Hasher64(), now);
    const second = { choices: choices(), depth };
    const first = { choices: this.pathTo(id), depth: this.depth[id] };
    const fields = diffEntries(this.entriesAt(first.choices, first.depth), now);
    // A field a fresh run of the same path does not rebuild depends on earlier runs (what `begin`
    // does not reset): the first state's digest may hold such a value too, so name them.
    const stale = diffEntries(this.entriesAt(second.choices, second.depth), now);
    // No field differs from a fresh run of the first path: the first state, when it was stored,
    // held a value its path does not rebuild (left over from an earlier run).
    const where = fields.length > 0 ? fields.join(', ') : 'no field of a fresh run of the first path: when the first state was stored it held a value left over from an earlier run (something `begin` does not reset)';
    const history = stale.length > 0 ? `; not rebuilt by a fresh run of the same path (left over from an earlier run): ${stale.join(', ')}` : '';
    this.finding = {
      fields: [...new Set([...fields, ...stale])],
      first,
      second,
      message: `fingerprint audit: two states with one fingerprint differ in ${where} (depths ${first.depth} and ${second.depth})${history}`,
    };
    return false;
  }

  /** The choices of the path that first reached state `id`. */
  pathTo(id: number): number[] {
    const edges: number[] = [];
    for (let s = id; s > 0; s = this.parent[s]) edges.push(s);
    const out: number[] = [];
    for (let i = edges.length - 1; i >= 0; i--) {
      const s = edges[i];
      for (let j = 0; j < this.edgeLength[s]; j++) out.push(this.pool[this.edgeStart[s] + j]);
    }
    return out;
  }

  private entriesAt(choices: number[], depth: number): DigestEntry[] {
    const s = this.system;
    s.begin(new Chooser(new ReplayStrategy(choices, null, false)), 0);
    while (s.steps < depth && s.step()) {
      // replay to the state's depth
    }
    const entries: DigestEntry[] = [];
    stateDigest(s.stateRoots!(), s.now, new Hasher64(), entries);
    return entries;
  }

  private ensure(n: number): void {
    if (n <= this.d1.length) return;
    const cap = Math.max(n, this.d1.length * 2);
    const grow = (a: Int32Array): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.d1 = grow(this.d1);
    this.d2 = grow(this.d2);
    this.parent = grow(this.parent);
    this.depth = grow(this.depth);
    this.edgeStart = grow(this.edgeStart);
    this.edgeLength = grow(this.edgeLength);
  }
}

/** The fields (Class.field) whose digests differ between two lists of entries. */
function diffEntries(ea: readonly DigestEntry[], eb: readonly DigestEntry[]): string[] {
  const byPath = new Map<string, DigestEntry[]>();
  for (const e of ea) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  const out = new Set<string>();
  const seenCount = new Map<string, number>();
  for (const e of eb) {
    const k = seenCount.get(e.path) ?? 0;
    seenCount.set(e.path, k + 1);
    const other = byPath.get(e.path)?.[k];
    if (!other || other.h1 !== e.h1 || other.h2 !== e.h2) out.add(e.path);
  }
  for (const [p, list] of byPath) if ((seenCount.get(p) ?? 0) < list.length) out.add(p);
  return [...out];
}
