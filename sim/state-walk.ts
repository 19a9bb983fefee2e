import { Hasher64 } from './hash.js';

/**
 * What a part declares about its own fields, for the generic walk over the whole system's state
 * (the fingerprint audit and snapshots). One declaration per class, as a static `stateDecl`;
 * fields a class does not name are state, walked and compared in full. Subclasses add to their
 * base class's declaration.
 */
export interface StateDecl {
  /** Fixed when the part is wired (configuration, tables, links to other parts' fixed data): never walked. */
  readonly fixed?: readonly string[];
  /** Observation only (the trace, the probe sink, statistics): neither state nor snapshotted. */
  readonly observed?: readonly string[];
  /**
   * Values the hand-written fingerprint leaves out on purpose because they can no longer
   * influence the future. The audit does not compare them; snapshots keep them.
   */
  readonly dead?: readonly string[];
  /** Absolute times in microseconds: compared relative to now (negative and infinite values as they are). */
  readonly times?: readonly string[];
  /** Deadlines: compared relative to now, and any past deadline as now (it has expired either way). */
  readonly deadlines?: readonly string[];
  /**
   * Values dead only in some states: field → predicate. For a typed-array or array field the
   * predicate is asked per element (`i` the index), for any other field once (`i` = −1); true
   * means dead.
   */
  readonly deadIf?: Readonly<Record<string, (self: never, i: number) => boolean>>;
  /**
   * Numeric arrays whose values matter only by their order (LRU stamps): each element is compared
   * as its rank, the number of elements of the array below it.
   */
  readonly ranks?: readonly string[];
  /**
   * Counters read only modulo some period (a tick count's place in the time slice): field → the
   * period; compared modulo it.
   */
  readonly modulo?: Readonly<Record<string, number>>;
  /**
   * Pools of interchangeable blocks (physical frames): which block an entry names is not state,
   * what it holds is. `index` is the typed array of entries naming blocks by number (its deadIf, if
   * any, says which entries are live); each live entry is compared as the contents of its block in
   * every `blocks` array (`stride` elements a block). The block arrays are not compared directly.
   */
  readonly pools?: readonly { readonly index: string; readonly blocks: readonly { readonly field: string; readonly stride: number }[] }[];
  /**
   * Ring-buffer FIFOs: the elements of `arrays` from index `head`, `len` of them, in queue order
   * (where in storage the queue starts, and what the free slots hold, is not state).
   */
  readonly fifos?: readonly FifoDecl[];
  /**
   * Large buffers whose writes stamp page versions (sim/page-versions.ts): `buffer` names the
   * typed-array field, `versions` the PageVersions field. Snapshots copy only changed pages; the
   * versions themselves are not state (declare that field observed).
   */
  readonly paged?: readonly { readonly buffer: string; readonly versions: string }[];
  /**
   * A container whose order is not state (the engine's event queue): hashes its live contents
   * canonically in place of the field-by-field walk. Only for engine structures in sim/.
   */
  readonly canonicalDigest?: (self: never, h: Hasher64, now: number) => void;
  /**
   * Typed-array fields whose dead parts depend on the state (an IN buffer before the device has
   * written it): returns the [start, end) byte ranges of `field` the audit must not compare.
   */
  readonly deadRanges?: (self: never, field: string) => readonly number[] | null;
}

/**
 * A ring-buffer FIFO, or a row of them: with `head` and `len` numbers, one FIFO over the whole of
 * each array; with `head` and `len` typed arrays (one entry a row), row r's FIFO lives in entries
 * [r·row, (r+1)·row) of each array, `row` a number or the name of a numeric field. An entry may
 * span `strides[array]` elements (a message slot of bytes), of which only the first
 * `sizes[array]`[entry] count (the name of the array holding each entry's size).
 */
export interface FifoDecl {
  readonly head: string;
  readonly len: string;
  readonly arrays: readonly string[];
  readonly row?: number | string;
  readonly strides?: Readonly<Record<string, number>>;
  readonly sizes?: Readonly<Record<string, string>>;
}

/** A class with a declaration. */
interface Declared {
  readonly stateDecl?: StateDecl;
}

interface Compiled {
  readonly name: string;
  /** Fields not walked at all (fixed or observed). */
  readonly skip: ReadonlySet<string>;
  /** Fields walked for snapshots but not compared by the audit. */
  readonly dead: ReadonlySet<string>;
  readonly times: ReadonlySet<string>;
  readonly deadlines: ReadonlySet<string>;
  readonly ranks: ReadonlySet<string>;
  readonly modulo: Map<string, number>;
  /** Pool index fields → their blocks; the block fields (not compared directly). */
  readonly poolOf: Map<string, readonly { readonly field: string; readonly stride: number }[]>;
  readonly poolBlocks: Set<string>;
  readonly deadRanges: ((self: never, field: string) => readonly number[] | null) | null;
  readonly deadIf: Map<string, (self: never, i: number) => boolean>;
  /** FIFO arrays → their FIFO; FIFO head fields (not compared as such). */
  readonly fifoOf: Map<string, FifoDecl>;
  readonly fifoHeads: Set<string>;
  readonly canonicalDigest: ((self: never, h: Hasher64, now: number) => void) | null;
  readonly paged: readonly { readonly buffer: string; readonly versions: string }[];
  /** Keys to snapshot, for classes (instances of one class share their fields). */
  keys: string[] | null;
  /** Per field, what the walk does with it (null: not compared), built at its first visit. */
  readonly plans: Map<string, FieldPlan | null>;
}

/** One field's treatment, looked up once per class and field (the walk runs per state). */
interface FieldPlan {
  readonly path: string;
  /** 0 none, 1 a time, 2 a deadline. */
  readonly time: number;
  readonly pred: ((self: never, i: number) => boolean) | undefined;
  readonly fifo: FifoDecl | undefined;
  readonly pool: readonly { readonly field: string; readonly stride: number }[] | undefined;
  readonly period: number | undefined;
  readonly rank: boolean;
}

function planOf(d: Compiled, k: string): FieldPlan | null {
  let p = d.plans.get(k);
  if (p !== undefined) return p;
  p =
    d.skip.has(k) || d.dead.has(k) || d.fifoHeads.has(k) || d.poolBlocks.has(k)
      ? null
      : {
          path: `${d.name}.${k}`,
          time: d.times.has(k) ? 1 : d.deadlines.has(k) ? 2 : 0,
          pred: d.deadIf.get(k),
          fifo: d.fifoOf.get(k),
          pool: d.poolOf.get(k),
          period: d.modulo.get(k),
          rank: d.ranks.has(k),
        };
  d.plans.set(k, p);
  return p;
}

const compiled = new Map<unknown, Compiled>();
const PLAIN: Compiled = { name: 'Object', skip: new Set(), dead: new Set(), times: new Set(), deadlines: new Set(), ranks: new Set(), modulo: new Map(), poolOf: new Map(), poolBlocks: new Set(), deadRanges: null, deadIf: new Map(), fifoOf: new Map(), fifoHeads: new Set(), canonicalDigest: null, paged: [], keys: null, plans: new Map() };

function declOf(ctor: unknown): Compiled {
  if (ctor === Object || typeof ctor !== 'function') return PLAIN;
  let c = compiled.get(ctor);
  if (c) return c;
  const skip = new Set<string>();
  const dead = new Set<string>();
  const times = new Set<string>();
  const deadlines = new Set<string>();
  const ranks = new Set<string>();
  const modulo = new Map<string, number>();
  const poolOf = new Map<string, readonly { readonly field: string; readonly stride: number }[]>();
  const poolBlocks = new Set<string>();
  const deadIf = new Map<string, (self: never, i: number) => boolean>();
  const fifoOf = new Map<string, FifoDecl>();
  const fifoHeads = new Set<string>();
  let deadRanges: Compiled['deadRanges'] = null;
  let canonicalDigest: Compiled['canonicalDigest'] = null;
  const paged: { buffer: string; versions: string }[] = [];
  for (let k: unknown = ctor; typeof k === 'function' && k !== Object && k !== Function.prototype; k = Object.getPrototypeOf(k)) {
    if (!Object.hasOwn(k, 'stateDecl')) continue;
    const d = (k as Declared).stateDecl!;
    for (const f of d.fixed ?? []) skip.add(f);
    for (const f of d.observed ?? []) skip.add(f);
    for (const f of d.dead ?? []) dead.add(f);
    for (const f of d.times ?? []) times.add(f);
    for (const f of d.deadlines ?? []) deadlines.add(f);
    for (const f of d.ranks ?? []) ranks.add(f);
    for (const [f, m] of Object.entries(d.modulo ?? {})) modulo.set(f, m);
    for (const q of d.pools ?? []) {
      poolOf.set(q.index, q.blocks);
      for (const b of q.blocks) poolBlocks.add(b.field);
    }
    for (const [f, p] of Object.entries(d.deadIf ?? {})) deadIf.set(f, p);
    for (const q of d.fifos ?? []) {
      fifoHeads.add(q.head);
      for (const a of q.arrays) fifoOf.set(a, q);
    }
    if (d.deadRanges && !deadRanges) deadRanges = d.deadRanges;
    if (d.canonicalDigest && !canonicalDigest) canonicalDigest = d.canonicalDigest;
    for (const q of d.paged ?? []) paged.push(q);
  }
  c = { name: (ctor as { name: string }).name || 'anonymous', skip, dead, times, deadlines, ranks, modulo, poolOf, poolBlocks, deadRanges, deadIf, fifoOf, fifoHeads, canonicalDigest, paged, keys: null, plans: new Map() };
  compiled.set(ctor, c);
  return c;
}

/** One compared value of the full digest: where it lives and its hash (the audit's diff). */
export interface DigestEntry {
  readonly path: string;
  readonly h1: number;
  readonly h2: number;
}

/**
 * The full structural digest of everything reachable from `roots`: every field of every object,
 * array, Map, Set and typed array, except what the classes declare fixed, observed or dead. Times
 * are taken relative to `now`. Objects reached twice are hashed once (then by their visit number).
 * This is a generic walk, not a second hand-written list: a field a part forgets to fingerprint is
 * still compared here. With `entries`, also lists each compared field with its own hash, named
 * Class.field (the audit names the field that differs).
 */
export function stateDigest(roots: readonly object[], now: number, h: Hasher64, entries?: DigestEntry[]): void {
  const visited = new Map<object, number>();
  const leaf = new Hasher64();
  const emit = (path: string): void => {
    if (entries) entries.push({ path, h1: leaf.h1, h2: leaf.h2 });
    h.int(leaf.h1);
    h.int(leaf.h2);
  };
  /** time: 0 none, 1 a time, 2 a deadline. */
  const value = (v: unknown, time: number, path: string, depth: number): void => {
    switch (typeof v) {
      case 'number':
        if (time !== 0 && v >= 0 && Number.isFinite(v)) v = time === 2 && v < now ? 0 : v - now;
        hashNumber(leaf, v as number);
        return;
      case 'boolean':
        leaf.int(v ? 3 : 2);
        return;
      case 'undefined':
        leaf.int(5);
        return;
      case 'string':
        leaf.int(7);
        for (let i = 0; i < v.length; i++) leaf.int(v.charCodeAt(i));
        return;
      case 'bigint':
        hashNumber(leaf, Number(v));
        return;
      case 'function':
        // Behaviour, not state (a callback wired once).
        leaf.int(11);
        return;
      default:
        if (v === null) {
          leaf.int(13);
          return;
        }
        if (time !== 0 && ArrayBuffer.isView(v) && !(v instanceof DataView) && !visited.has(v.buffer)) {
          // An array of times: each element relative to now, as a time field would be.
          visited.set(v.buffer, visited.size);
          const a = v as unknown as ArrayLike<number>;
          leaf.int(43);
          leaf.int(a.length);
          for (let i = 0; i < a.length; i++) value(a[i], time, path, depth);
          return;
        }
        object(v as object, path, depth);
    }
  };
  const object = (o: object, path: string, depth: number): void => {
    // Views of one buffer (bytes, words, a DataView) are one piece of state: hashed once, whole.
    const key = ArrayBuffer.isView(o) ? o.buffer : o;
    const seen = visited.get(key);
    if (seen !== undefined) {
      leaf.int(17);
      leaf.int(seen);
      return;
    }
    visited.set(key, visited.size);
    if (depth > 64) throw new Error(`state walk too deep at ${path}`);
    if (ArrayBuffer.isView(o)) {
      leaf.int(19);
      hashView(leaf, o);
      return;
    }
    if (Array.isArray(o)) {
      leaf.int(23);
      leaf.int(o.length);
      for (let i = 0; i < o.length; i++) value(o[i], 0, path, depth + 1);
      return;
    }
    if (o instanceof Map) {
      leaf.int(29);
      leaf.int(o.size);
      for (const [k, v] of o) {
        value(k, 0, path, depth + 1);
        value(v, 0, path, depth + 1);
      }
      return;
    }
    if (o instanceof Set) {
      leaf.int(31);
      leaf.int(o.size);
      for (const v of o) value(v, 0, path, depth + 1);
      return;
    }
    // An object: each field is its own entry, so a difference names Class.field.
    const d = declOf(o.constructor);
    if (d.canonicalDigest) {
      leaf.int(41);
      d.canonicalDigest(o as never, leaf, now);
      return;
    }
    const outer1 = leaf.h1;
    const outer2 = leaf.h2;
    const rec = o as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      const plan = planOf(d, k);
      if (plan === null) continue;
      const { path: fieldPath, time, pred, fifo, pool, period } = plan;
      leaf.reset();
      const v = rec[k];
      const ranges = d.deadRanges && ArrayBuffer.isView(v) ? d.deadRanges(o as never, k) : null;
      if (pool && ArrayBuffer.isView(v)) {
        // Each live entry as the contents of the block it names.
        const a = v as unknown as ArrayLike<number>;
        leaf.int(a.length);
        for (let i = 0; i < a.length; i++) {
          if (pred && pred(o as never, i)) {
            leaf.int(47);
            continue;
          }
          const block = a[i];
          for (const b of pool) {
            const arr = rec[b.field] as ArrayLike<number>;
            leaf.int(53);
            if (arr instanceof Uint8Array) hashRange(leaf, arr, block * b.stride, b.stride);
            else for (let j = block * b.stride; j < (block + 1) * b.stride; j++) hashNumber(leaf, arr[j]);
          }
        }
      } else if (period !== undefined && typeof v === 'number') {
        hashNumber(leaf, v % period);
      } else if (plan.rank && ArrayBuffer.isView(v) && !(v instanceof DataView) && !visited.has(v.buffer)) {
        visited.set(v.buffer, visited.size);
        const a = v as unknown as ArrayLike<number>;
        leaf.int(a.length);
        for (let i = 0; i < a.length; i++) {
          let rank = 0;
          for (let j = 0; j < a.length; j++) if (a[j] < a[i]) rank++;
          leaf.int(rank);
        }
      } else if (ArrayBuffer.isView(v) && !(v instanceof DataView) && (pred || fifo) && !visited.has(v.buffer)) {
        // Element by element: the live elements only, or the FIFO's in queue order.
        visited.set(v.buffer, visited.size);
        const a = v as unknown as ArrayLike<number>;
        if (fifo) {
          const heads = rec[fifo.head] as number | ArrayLike<number>;
          const lens = rec[fifo.len] as number | ArrayLike<number>;
          const stride = fifo.strides?.[k] ?? 1;
          const sizes = fifo.sizes?.[k] !== undefined ? (rec[fifo.sizes[k]] as ArrayLike<number>) : null;
          const rows = typeof heads === 'number' ? 1 : heads.length;
          const rowLength = fifo.row === undefined ? a.length / stride : typeof fifo.row === 'number' ? fifo.row : (rec[fifo.row] as number);
          for (let r = 0; r < rows; r++) {
            const head = typeof heads === 'number' ? heads : heads[r];
            const len = typeof lens === 'number' ? lens : (lens as ArrayLike<number>)[r];
            leaf.int(len);
            for (let i = 0; i < len; i++) {
              const entry = r * rowLength + ((head + i) % rowLength);
              const n = sizes ? sizes[entry] : stride;
              for (let e = 0; e < n; e++) value(a[entry * stride + e], time, fieldPath, depth + 1);
            }
          }
        } else {
          for (let i = 0; i < a.length; i++) {
            if (pred!(o as never, i)) leaf.int(47);
            else value(a[i], time, fieldPath, depth + 1);
          }
        }
      } else if (pred && Array.isArray(v)) {
        // A plain array: per element too.
        leaf.int(23);
        leaf.int(v.length);
        for (let i = 0; i < v.length; i++) {
          if (pred(o as never, i)) leaf.int(47);
          else value(v[i], time, fieldPath, depth + 1);
        }
      } else if (pred && pred(o as never, -1)) {
        continue;
      } else if (ranges && !visited.has((v as ArrayBufferView).buffer)) {
        visited.set((v as ArrayBufferView).buffer, visited.size);
        hashViewExcept(leaf, v as ArrayBufferView, ranges);
      } else value(v, time, fieldPath, depth + 1);
      emit(fieldPath);
    }
    leaf.h1 = outer1;
    leaf.h2 = outer2;
    leaf.int(37);
  };
  for (const r of roots) {
    leaf.reset();
    object(r, declOf(r.constructor).name, 0);
    emit(declOf(r.constructor).name);
  }
}

const f64 = new Float64Array(1);
const f64w = new Int32Array(f64.buffer);

function hashNumber(h: Hasher64, v: number): void {
  if ((v | 0) === v) {
    h.int(v);
    return;
  }
  f64[0] = v;
  h.int(0x5bd1e995);
  h.int(f64w[0]);
  h.int(f64w[1]);
}

/** The whole buffer under a view (dead ranges count from its start). */
function bytesOf(v: ArrayBufferView): Uint8Array {
  return v instanceof Uint8Array && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v : new Uint8Array(v.buffer);
}

const wordViews = new WeakMap<ArrayBufferLike, Int32Array>();

/** Bytes [start, start+len) of `b`'s buffer: 32-bit words at a time where aligned (bulk memory). */
function hashRange(h: Hasher64, b: Uint8Array, start: number, len: number): void {
  if (((start | len) & 3) === 0 && b.byteOffset === 0 && (b.buffer.byteLength & 3) === 0) {
    let w = wordViews.get(b.buffer);
    if (!w) {
      w = new Int32Array(b.buffer);
      wordViews.set(b.buffer, w);
    }
    h.words(w, start >> 2, len >> 2);
  } else h.bytes(b, start, len);
}

function hashView(h: Hasher64, v: ArrayBufferView): void {
  const b = bytesOf(v);
  hashRange(h, b, 0, b.length);
}

/** Hashes a typed array but for the declared dead byte ranges ([start, end) pairs, ascending). */
function hashViewExcept(h: Hasher64, v: ArrayBufferView, ranges: readonly number[]): void {
  const b = bytesOf(v);
  let at = 0;
  for (let i = 0; i + 1 < ranges.length; i += 2) {
    const start = Math.max(at, ranges[i]);
    if (start > at) hashRange(h, b, at, start - at);
    at = Math.max(at, ranges[i + 1]);
  }
  if (at < b.length) hashRange(h, b, at, b.length - at);
}

/**
 * The fields of `o` a snapshot saves: all but the fixed and observed ones. Instances of one class
 * share their list (class fields give every instance the same fields); plain objects are listed
 * each time.
 */
export function fieldsToSnapshot(o: object): string[] {
  const ctor = o.constructor;
  if (ctor === Object || typeof ctor !== 'function') return Object.keys(o);
  const d = declOf(ctor);
  if (d.keys === null) d.keys = Object.keys(o).filter((k) => !d.skip.has(k));
  return d.keys;
}

/** The paged buffers an object declares: [buffer view, its PageVersions] pairs. */
export function pagedBuffers(o: object): { buffer: ArrayBufferView; versions: { versions: Float64Array; pageBytes: number } }[] {
  const ctor = o.constructor;
  if (ctor === Object || typeof ctor !== 'function') return [];
  const rec = o as Record<string, unknown>;
  return declOf(ctor).paged.map((q) => ({ buffer: rec[q.buffer] as ArrayBufferView, versions: rec[q.versions] as { versions: Float64Array; pageBytes: number } }));
}
