import { fieldsToSnapshot, pagedBuffers } from './state-walk.js';

/**
 * Snapshots of everything reachable from a system's roots: for each object, array, Map, Set and
 * typed-array buffer, its contents at the time, kept beside the object itself. Restoring writes
 * them back into the same objects, so links between parts (the ports) stay as wired, and objects
 * made after the snapshot simply become unreachable. Every field is saved but those a class
 * declares fixed or observed (sim/state-walk.ts); dead values are kept, so a run from a restored
 * state is the run that never left it.
 *
 * Speed: a depth-first search takes a snapshot before most steps, so the walk is compiled. A
 * `Plan` lists the containers found by one full walk, each with a save and a restore function
 * generated for its class (plain property stores, which the engine inlines). A take runs the plan
 * and checks every object reference it copies against the plan's; a reference to anything new
 * (an object created since, a field pointing elsewhere) makes the take fall back to a full walk
 * and a new plan. Snapshot objects are reused, so a take allocates nothing once warm.
 */
export class Snapshot {
  plan: Plan | null = null;
  /** The saved values, in plan order (numbers held in objects' fields go to `numbers`). */
  cells: unknown[] = [];
  length = 0;
  /**
   * The objects' number fields, at offsets fixed by the plan: a double read into a plain array
   * is boxed (one allocation per field per take), into a Float64Array it is not.
   */
  numbers: Float64Array = new Float64Array(0);
  /** Copies of the typed-array buffers, in plan order, reused between takes. */
  readonly copies: Uint8Array[] = [];
  /** The live buffer (its full view) each copy was made for. */
  readonly copyOwner: (Uint8Array | null)[] = [];
  /** Word views of the small copies (see Plan.words). */
  readonly copyWords: (Int32Array | null)[] = [];
  /** For paged buffers: the version of each page the copy holds (sim/page-versions.ts). */
  readonly pageVersions: (Float64Array | null)[] = [];
  /** For paged buffers: a view of each page of the copy (made once, so a copy allocates nothing). */
  readonly copyPages: (Uint8Array[] | null)[] = [];
}

type Saver = (o: object, cells: unknown[], n: number, expected: readonly unknown[], e: number, f: Float64Array, nf: number) => number;
type Restorer = (o: object, cells: unknown[], n: number, f: Float64Array, nf: number) => number;

const K_OBJ = 1;
const K_ARR = 2;
const K_MAP = 3;
const K_SET = 4;
const K_BUF = 5;
/** A buffer with page versions: only pages whose version changed are copied. */
const K_PAGED = 6;

/** One full walk's list of containers and the references each held (to detect a change). */
class Plan {
  readonly objects: object[] = [];
  readonly kinds: number[] = [];
  readonly savers: (Saver | null)[] = [];
  readonly restorers: (Restorer | null)[] = [];
  /** For each object, where its number fields start in Snapshot.numbers. */
  readonly numbersAt: number[] = [];
  numberCount = 0;
  /** For each container, where its expected references start in `expected`. */
  readonly expectedAt: number[] = [];
  readonly expected: unknown[] = [];
  /** Every container of the plan (to check the members of Maps and Sets). */
  readonly members = new Set<unknown>();
  /** For small buffers of whole words: an Int32Array view, copied by a loop (see copyBytes). */
  readonly words: (Int32Array | null)[] = [];
  /** For K_PAGED containers: the live page versions and the page size. */
  readonly pages: ({ versions: Float64Array; pageBytes: number } | null)[] = [];
  /** For K_PAGED containers: a view of each page of the live buffer. */
  readonly livePages: (Uint8Array[] | null)[] = [];
  bufferCount = 0;
}

interface ClassCode {
  save: Saver;
  restore: Restorer;
}

const classCode = new Map<unknown, Map<string, ClassCode & { numbers: number }>>();

/**
 * The save and restore functions for the fields of one class (or of one plain object's keys) and
 * the kinds its fields held when the plan was made: a field that held a number is saved to the
 * snapshot's numbers (f[nf + a]), any other to cells[n + b]. `save` returns −1 if an object
 * reference differs from the plan's (expected[e + j]; primitives there are `undefined`, and any
 * object in their place is new) or a number field no longer holds a number: the plan is redone.
 */
function codeFor(o: object): ClassCode & { numbers: number } {
  const ctor = o.constructor;
  const plain = ctor === Object || typeof ctor !== 'function';
  const keys = fieldsToSnapshot(o);
  const rec = o as Record<string, unknown>;
  const sig = keys.map((k) => (typeof rec[k] === 'number' ? 'n' : 'r')).join('');
  const cacheKey = plain ? `${keys.join('\u0000')}\u0001${sig}` : `${sig}`;
  let byClass = classCode.get(plain ? null : ctor);
  if (!byClass) classCode.set(plain ? null : ctor, (byClass = new Map()));
  let code = byClass.get(cacheKey);
  if (code) return code;
  const save: string[] = [];
  const restore: string[] = [];
  let nb = 0;
  let na = 0;
  keys.forEach((k, j) => {
    const p = JSON.stringify(k);
    if (sig[j] === 'n') {
      save.push(`v = o[${p}]; if (typeof v !== 'number') return -1; f[nf + ${na}] = v;`);
      restore.push(`o[${p}] = f[nf + ${na}];`);
      na++;
    } else {
      save.push(`v = o[${p}]; c[n + ${nb}] = v; if (typeof v === 'object' && v !== null && v !== x[e + ${j}]) return -1;`);
      restore.push(`o[${p}] = c[n + ${nb}];`);
      nb++;
    }
  });
  // Generated once per class and field kinds from its own field names: straight-line property copies.
  code = {
    save: new Function('o', 'c', 'n', 'x', 'e', 'f', 'nf', `let v; ${save.join(' ')} return n + ${nb};`) as Saver,
    restore: new Function('o', 'c', 'n', 'f', 'nf', `${restore.join(' ')} return n + ${nb};`) as Restorer,
    numbers: na,
  };
  byClass.set(cacheKey, code);
  return code;
}

/**
 * Buffers up to this size are copied by a word loop: `set` costs more to call than to copy them
 * (measured on Node 20: `set` about 37 ns whatever the size up to 1 KiB, the loop about 1.5 ns a
 * word, so they meet near 64 bytes).
 */
const SMALL_BUFFER = 48;

export class Snapshotter {
  private plan: Plan | null = null;
  private readonly fullViews = new WeakMap<ArrayBufferLike, Uint8Array>();
  private readonly pageViewCache = new WeakMap<Uint8Array, Uint8Array[]>();
  /** Full walks done (the first, and one per change of the object graph). */
  replans = 0;

  constructor(private readonly roots: readonly object[]) {}

  take(s: Snapshot): void {
    if (this.plan === null || !this.runPlan(this.plan, s)) {
      this.plan = this.walk();
      this.replans++;
      if (!this.runPlan(this.plan, s)) throw new Error('snapshot: the object graph changed during a walk');
    }
  }

  restore(s: Snapshot): void {
    const plan = s.plan!;
    const cells = s.cells;
    const numbers = s.numbers;
    let n = 0;
    let b = 0;
    for (let i = 0; i < plan.objects.length; i++) {
      const o = plan.objects[i];
      switch (plan.kinds[i]) {
        case K_OBJ:
          n = plan.restorers[i]!(o, cells, n, numbers, plan.numbersAt[i]);
          break;
        case K_ARR: {
          const a = o as unknown[];
          const len = cells[n++] as number;
          a.length = len;
          for (let j = 0; j < len; j++) a[j] = cells[n++];
          break;
        }
        case K_MAP: {
          const m = o as Map<unknown, unknown>;
          const size = cells[n++] as number;
          m.clear();
          for (let j = 0; j < size; j++) {
            const k = cells[n++];
            m.set(k, cells[n++]);
          }
          break;
        }
        case K_SET: {
          const st = o as Set<unknown>;
          const size = cells[n++] as number;
          st.clear();
          for (let j = 0; j < size; j++) st.add(cells[n++]);
          break;
        }
        case K_BUF: {
          const live = plan.words[i];
          if (live === null) (o as Uint8Array).set(s.copies[b]);
          else {
            const w = s.copyWords[b]!;
            for (let j = 0; j < live.length; j++) live[j] = w[j];
          }
          b++;
          break;
        }
        case K_PAGED: {
          const full = o as Uint8Array;
          const pv = plan.pages[i]!;
          const live = pv.versions;
          const held = s.pageVersions[b]!;
          const copyPages = s.copyPages[b++]!;
          for (let p = 0; p < live.length; p++) {
            if (live[p] === held[p]) continue;
            full.set(copyPages[p], p * pv.pageBytes);
            live[p] = held[p];
          }
          break;
        }
      }
    }
  }

  /** Fills `s` by the plan; false if the object graph no longer matches it. */
  private runPlan(plan: Plan, s: Snapshot): boolean {
    const cells = s.cells;
    if (s.numbers.length < plan.numberCount) s.numbers = new Float64Array(plan.numberCount);
    const numbers = s.numbers;
    const expected = plan.expected;
    let n = 0;
    let b = 0;
    for (let i = 0; i < plan.objects.length; i++) {
      const o = plan.objects[i];
      const e = plan.expectedAt[i];
      switch (plan.kinds[i]) {
        case K_OBJ:
          n = plan.savers[i]!(o, cells, n, expected, e, numbers, plan.numbersAt[i]);
          if (n < 0) return false;
          break;
        case K_ARR: {
          const a = o as unknown[];
          const len = a.length;
          const expectedLen = plan.expectedAt[i + 1] - e;
          cells[n++] = len;
          for (let j = 0; j < len; j++) {
            const v = a[j];
            if (typeof v === 'object' && v !== null && (j >= expectedLen || v !== expected[e + j])) return false;
            cells[n++] = v;
          }
          break;
        }
        case K_MAP: {
          const m = o as Map<unknown, unknown>;
          cells[n++] = m.size;
          for (const [k, v] of m) {
            if ((typeof k === 'object' && k !== null && !plan.members.has(k)) || (typeof v === 'object' && v !== null && !plan.members.has(v))) return false;
            cells[n++] = k;
            cells[n++] = v;
          }
          break;
        }
        case K_SET: {
          const st = o as Set<unknown>;
          cells[n++] = st.size;
          for (const v of st) {
            if (typeof v === 'object' && v !== null && !plan.members.has(v)) return false;
            cells[n++] = v;
          }
          break;
        }
        case K_BUF: {
          const full = o as Uint8Array;
          const live = plan.words[i];
          if (s.copyOwner[b] !== full) reslot(s, b, full);
          let copy = s.copies[b];
          if (copy === undefined || s.copyOwner[b] !== full) {
            copy = s.copies[b] = new Uint8Array(full.length);
            s.copyOwner[b] = full;
            s.copyWords[b] = live === null ? null : new Int32Array(copy.buffer);
            s.pageVersions[b] = null;
          }
          if (live === null) copy.set(full);
          else {
            const w = s.copyWords[b]!;
            for (let j = 0; j < live.length; j++) w[j] = live[j];
          }
          b++;
          break;
        }
        case K_PAGED: {
          const full = o as Uint8Array;
          const pv = plan.pages[i]!;
          const live = pv.versions;
          if (s.copyOwner[b] !== full) reslot(s, b, full);
          let copy = s.copies[b];
          let held = s.pageVersions[b];
          if (copy === undefined || s.copyOwner[b] !== full || !held) {
            copy = s.copies[b] = new Uint8Array(full.length);
            s.copyOwner[b] = full;
            s.copyWords[b] = null;
            held = s.pageVersions[b] = new Float64Array(live.length).fill(-1);
            s.copyPages[b] = pageViews(copy, pv.pageBytes);
          }
          const livePages = plan.livePages[i]!;
          for (let p = 0; p < live.length; p++) {
            if (live[p] === held[p]) continue;
            copy.set(livePages[p], p * pv.pageBytes);
            held[p] = live[p];
          }
          b++;
          break;
        }
      }
    }
    s.plan = plan;
    s.length = n;
    return true;
  }

  /** The full walk: every container reachable from the roots, once each, views by their buffer. */
  private walk(): Plan {
    const plan = new Plan();
    const seen = new Set<unknown>();
    const stack: unknown[] = [];
    for (let r = this.roots.length - 1; r >= 0; r--) stack.push(this.roots[r]);
    const add = (o: object, kind: number, saver: Saver | null, restorer: Restorer | null, refs: unknown[], numbers = 0): void => {
      plan.objects.push(o);
      plan.numbersAt.push(plan.numberCount);
      plan.numberCount += numbers;
      plan.kinds.push(kind);
      plan.savers.push(saver);
      plan.restorers.push(restorer);
      plan.expectedAt.push(plan.expected.length);
      for (const r of refs) plan.expected.push(r);
      plan.members.add(o);
      plan.pages.push(null);
      plan.livePages.push(null);
      plan.words.push(kind === K_BUF && (o as Uint8Array).length <= SMALL_BUFFER && (o as Uint8Array).length % 4 === 0 ? new Int32Array((o as Uint8Array).buffer) : null);
    };
    const paged = new Map<ArrayBufferLike, { versions: Float64Array; pageBytes: number }>();
    while (stack.length > 0) {
      const o = stack.pop() as object;
      if (ArrayBuffer.isView(o)) {
        plan.members.add(o);
        if (seen.has(o.buffer)) continue;
        seen.add(o.buffer);
        add(this.fullView(o.buffer), K_BUF, null, null, []);
        plan.bufferCount++;
        continue;
      }
      if (seen.has(o)) continue;
      seen.add(o);
      const children: unknown[] = [];
      const refOf = (v: unknown): unknown => {
        if (typeof v !== 'object' || v === null) return undefined;
        children.push(v);
        return v;
      };
      if (Array.isArray(o)) add(o, K_ARR, null, null, o.map(refOf));
      else if (o instanceof Map) {
        for (const [k, v] of o) {
          refOf(k);
          refOf(v);
        }
        add(o, K_MAP, null, null, []);
      } else if (o instanceof Set) {
        for (const v of o) refOf(v);
        add(o, K_SET, null, null, []);
      } else {
        for (const q of pagedBuffers(o)) paged.set(q.buffer.buffer, q.versions);
        const code = codeFor(o);
        const rec = o as Record<string, unknown>;
        add(o, K_OBJ, code.save, code.restore, fieldsToSnapshot(o).map((k) => refOf(rec[k])), code.numbers);
      }
      for (let j = children.length - 1; j >= 0; j--) stack.push(children[j]);
    }
    plan.expectedAt.push(plan.expected.length);
    for (let i = 0; i < plan.objects.length; i++) {
      if (plan.kinds[i] !== K_BUF) continue;
      const pv = paged.get((plan.objects[i] as Uint8Array).buffer);
      if (!pv) continue;
      plan.kinds[i] = K_PAGED;
      plan.pages[i] = pv;
      plan.livePages[i] = this.livePageViews(plan.objects[i] as Uint8Array, pv.pageBytes);
    }
    return plan;
  }

  /** Page views of a live buffer, made once for all plans (a new plan would otherwise make thousands). */
  private livePageViews(full: Uint8Array, pageBytes: number): Uint8Array[] {
    let v = this.pageViewCache.get(full);
    if (!v) {
      v = pageViews(full, pageBytes);
      this.pageViewCache.set(full, v);
    }
    return v;
  }

  private fullView(buf: ArrayBufferLike): Uint8Array {
    let v = this.fullViews.get(buf);
    if (!v) {
      v = new Uint8Array(buf);
      this.fullViews.set(buf, v);
    }
    return v;
  }
}

/** Views of `buf`'s pages of `pageBytes` (the last one may be shorter). */
function pageViews(buf: Uint8Array, pageBytes: number): Uint8Array[] {
  const views: Uint8Array[] = [];
  for (let at = 0; at < buf.length; at += pageBytes) views.push(buf.subarray(at, Math.min(at + pageBytes, buf.length)));
  return views;
}

/**
 * Moves the copy `s` holds of buffer `full` (if any) to place `b`, where the plan now wants it: a
 * new plan (an object made since) shifts the buffers after it, and without this every copy after
 * the shift would be made afresh — a paged buffer's with all its pages.
 */
function reslot(s: Snapshot, b: number, full: Uint8Array): void {
  const j = s.copyOwner.indexOf(full);
  if (j < 0) return;
  swap(s.copies, b, j);
  swap(s.copyOwner, b, j);
  swap(s.copyWords, b, j);
  swap(s.pageVersions, b, j);
  swap(s.copyPages, b, j);
}

function swap<T>(a: T[], i: number, j: number): void {
  const x = a[i];
  a[i] = a[j];
  a[j] = x;
}
