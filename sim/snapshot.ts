import { fieldsToSnapshot } from './state-walk.js';

/**
 * A saved state of everything reachable from a system's roots: for each object, array, Map, Set
 * and typed-array buffer, its contents at the time, kept beside the object itself. Restoring
 * writes them back into the same objects, so links between parts (the ports) stay as wired, and
 * objects made after the snapshot simply become unreachable. Reused across takes: a depth-first
 * search keeps one per level of its stack, so taking one allocates nothing once warm.
 */
export class Snapshot {
  /** Flat record: tag, target, then the contents (see Snapshotter). */
  readonly cells: unknown[] = [];
  length = 0;
  /** Copies of the typed-array buffers, reused between takes. */
  readonly copies: Uint8Array[] = [];
  copyCount = 0;
}

const T_OBJ = 1;
const T_ARR = 2;
const T_MAP = 3;
const T_SET = 4;
const T_BUF = 5;

/**
 * Takes and restores snapshots by the generic walk of sim/state-walk.ts: every field but those a
 * class declares fixed or observed. Dead values are kept (they decide nothing, but a replay from
 * the restored state must equal one that never left it).
 */
export class Snapshotter {
  private readonly visited = new Set<unknown>();
  private readonly stack: unknown[] = [];
  private readonly fullViews = new WeakMap<ArrayBufferLike, Uint8Array>();

  constructor(private readonly roots: readonly object[]) {}

  take(s: Snapshot): void {
    const visited = this.visited;
    const stack = this.stack;
    const cells = s.cells;
    let n = 0;
    s.copyCount = 0;
    visited.clear();
    for (let r = this.roots.length - 1; r >= 0; r--) stack.push(this.roots[r]);
    while (stack.length > 0) {
      const o = stack.pop() as object;
      if (ArrayBuffer.isView(o)) {
        const buf = o.buffer;
        if (visited.has(buf)) continue;
        visited.add(buf);
        const full = this.fullView(buf);
        let copy = s.copies[s.copyCount];
        if (!copy || copy.length !== full.length) copy = s.copies[s.copyCount] = new Uint8Array(full.length);
        copy.set(full);
        cells[n++] = T_BUF;
        cells[n++] = full;
        cells[n++] = s.copyCount++;
        continue;
      }
      if (visited.has(o)) continue;
      visited.add(o);
      if (Array.isArray(o)) {
        cells[n++] = T_ARR;
        cells[n++] = o;
        cells[n++] = o.length;
        for (let i = 0; i < o.length; i++) {
          const v = o[i];
          cells[n++] = v;
          if (v !== null && typeof v === 'object') stack.push(v);
        }
      } else if (o instanceof Map) {
        cells[n++] = T_MAP;
        cells[n++] = o;
        cells[n++] = o.size;
        for (const [k, v] of o) {
          cells[n++] = k;
          cells[n++] = v;
          if (k !== null && typeof k === 'object') stack.push(k);
          if (v !== null && typeof v === 'object') stack.push(v);
        }
      } else if (o instanceof Set) {
        cells[n++] = T_SET;
        cells[n++] = o;
        cells[n++] = o.size;
        for (const v of o) {
          cells[n++] = v;
          if (v !== null && typeof v === 'object') stack.push(v);
        }
      } else {
        const keys = fieldsToSnapshot(o);
        cells[n++] = T_OBJ;
        cells[n++] = o;
        cells[n++] = keys;
        const rec = o as Record<string, unknown>;
        for (let i = 0; i < keys.length; i++) {
          const v = rec[keys[i]];
          cells[n++] = v;
          if (v !== null && typeof v === 'object') stack.push(v);
        }
      }
    }
    s.length = n;
    // Drop references beyond the end so a shorter take does not keep old objects alive.
    if (cells.length > n) cells.length = n;
  }

  restore(s: Snapshot): void {
    const cells = s.cells;
    const n = s.length;
    let i = 0;
    while (i < n) {
      const tag = cells[i++] as number;
      const o = cells[i++];
      switch (tag) {
        case T_OBJ: {
          const keys = cells[i++] as string[];
          const rec = o as Record<string, unknown>;
          for (let j = 0; j < keys.length; j++) rec[keys[j]] = cells[i++];
          break;
        }
        case T_ARR: {
          const len = cells[i++] as number;
          const a = o as unknown[];
          a.length = len;
          for (let j = 0; j < len; j++) a[j] = cells[i++];
          break;
        }
        case T_MAP: {
          const size = cells[i++] as number;
          const m = o as Map<unknown, unknown>;
          m.clear();
          for (let j = 0; j < size; j++) {
            const k = cells[i++];
            m.set(k, cells[i++]);
          }
          break;
        }
        case T_SET: {
          const size = cells[i++] as number;
          const st = o as Set<unknown>;
          st.clear();
          for (let j = 0; j < size; j++) st.add(cells[i++]);
          break;
        }
        case T_BUF:
          (o as Uint8Array).set(s.copies[cells[i++] as number]);
          break;
        default:
          throw new Error(`corrupt snapshot cell ${tag}`);
      }
    }
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
