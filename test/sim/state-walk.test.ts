import test from 'ava';
import { Hasher64 } from '../../sim/hash.js';
import { stateDigest, type DigestEntry, type StateDecl } from '../../sim/state-walk.js';

/** The digest of `roots` at time `now`, as two lanes, and the compared fields. */
function digest(roots: object[], now = 0): { h: [number, number]; entries: DigestEntry[] } {
  const h = new Hasher64();
  const entries: DigestEntry[] = [];
  stateDigest(roots, now, h, entries);
  return { h: [h.h1, h.h2], entries };
}

/** The fields whose hashes differ between two digests (or that only one of them compares). */
function differing(a: object, b: object, now = 0, nowB = now): string[] {
  const key = (es: DigestEntry[]) => {
    const seen = new Map<string, number>();
    return new Map(
      es.map((e) => {
        const k = seen.get(e.path) ?? 0;
        seen.set(e.path, k + 1);
        return [`${e.path}#${k}`, e] as const;
      }),
    );
  };
  const ea = key(digest([a], now).entries);
  const eb = key(digest([b], nowB).entries);
  const out = new Set<string>();
  for (const [k, e] of ea) {
    const o = eb.get(k);
    if (!o || o.h1 !== e.h1 || o.h2 !== e.h2) out.add(e.path);
  }
  for (const [k, e] of eb) if (!ea.has(k)) out.add(e.path);
  return [...out];
}

// A part that declares nothing: every field is state.
class Plain {
  count = 0;
  name = 'x';
  readonly cells = new Int32Array(4);
  readonly inner = { flag: false };
}

// A part with one of each declaration kind.
class Declared {
  static readonly stateDecl: StateDecl = {
    fixed: ['config'],
    observed: ['stats'],
    dead: ['scratch'],
    times: ['startedAt'],
    deadlines: ['until'],
    deadIf: { slot: (d: Declared, i: number) => d.used[i] === 0, note: (d: Declared) => d.count === 0 },
    fifos: [{ head: 'head', len: 'len', arrays: ['queue'] }],
    ranks: ['stamp'],
    modulo: { ticks: 10 },
  };
  config = 1;
  stats = 0;
  scratch = new Int32Array(3);
  startedAt = 0;
  until = 0;
  readonly used = new Uint8Array(3);
  readonly slot = new Int32Array(3);
  count = 0;
  note = 0;
  other = 0;
  readonly queue = new Int32Array(4);
  head = 0;
  len = 0;
  readonly stamp = new Float64Array(3);
  ticks = 0;
}

test('state walk: a field no declaration names is compared, and the difference is named Class.field', (t) => {
  const a = new Plain();
  const b = new Plain();
  t.deepEqual(digest([a]).h, digest([b]).h);
  b.count = 1;
  t.notDeepEqual(digest([a]).h, digest([b]).h);
  t.deepEqual(differing(a, b), ['Plain.count']);
  const c = new Plain();
  c.cells[2] = 7;
  t.deepEqual(differing(a, c), ['Plain.cells']);
  const d = new Plain();
  d.inner.flag = true;
  t.deepEqual(differing(a, d), ['Object.flag'], 'a nested plain object’s field, named by its class');
});

test('state walk: fixed, observed and dead fields are not compared; every other field is', (t) => {
  const a = new Declared();
  const b = new Declared();
  b.config = 2;
  b.stats = 99;
  b.scratch[1] = 5;
  t.deepEqual(digest([a]).h, digest([b]).h);
  t.false(digest([a]).entries.some((e) => /\.(config|stats|scratch)$/.test(e.path)));
  b.other = 3;
  t.deepEqual(differing(a, b), ['Declared.other']);
});

test('state walk: times compare relative to now; deadlines past now all compare as now', (t) => {
  const a = new Declared();
  a.startedAt = 100;
  const b = new Declared();
  b.startedAt = 150;
  t.deepEqual(differing(a, b, 200, 250), [], 'the same time ago');
  t.deepEqual(differing(a, b, 200, 200), ['Declared.startedAt']);
  const c = new Declared();
  c.until = 50;
  const d = new Declared();
  d.until = 120;
  t.deepEqual(differing(c, d, 200, 200), [], 'both expired');
  d.until = 300;
  t.deepEqual(differing(c, d, 200, 200), ['Declared.until'], 'one still ahead');
});

test('state walk: deadIf: elements and fields dead in a state are not compared, live ones are', (t) => {
  const a = new Declared();
  const b = new Declared();
  b.slot[1] = 9; // slot 1 unused: dead
  b.note = 4; // count 0: dead
  t.deepEqual(differing(a, b), []);
  a.used[1] = 1;
  b.used[1] = 1;
  t.deepEqual(differing(a, b), ['Declared.slot'], 'slot 1 in use: its value counts');
  a.count = 1;
  b.count = 1;
  t.deepEqual(differing(a, b), ['Declared.slot', 'Declared.note'], 'count ≠ 0: note counts too');
});

test('state walk: a FIFO compares its elements in queue order, not where they sit in the ring', (t) => {
  const a = new Declared();
  a.queue.set([7, 8, 0, 0]);
  a.head = 0;
  a.len = 2;
  const b = new Declared();
  b.queue.set([5, 0, 6, 7]);
  b.head = 3;
  b.len = 2;
  // b holds 7 then (wrapping) 5: a different queue.
  t.deepEqual(differing(a, b), ['Declared.queue']);
  b.queue.set([8, 0, 6, 7]);
  t.deepEqual(differing(a, b), [], '7, 8 in both; the free slots and the head position are not state');
  b.queue.set([7, 0, 6, 8]);
  t.deepEqual(differing(a, b), ['Declared.queue'], 'order counts: 8, 7 is not 7, 8');
});

test('state walk: ranks compare order only; modulo compares the remainder', (t) => {
  const a = new Declared();
  a.stamp.set([1, 3, 2]);
  a.ticks = 13;
  const b = new Declared();
  b.stamp.set([10, 30, 20]);
  b.ticks = 23;
  t.deepEqual(differing(a, b), []);
  b.stamp.set([30, 10, 20]);
  b.ticks = 24;
  t.deepEqual(differing(a, b), ['Declared.stamp', 'Declared.ticks']);
});

class Views {
  readonly bytes = new Uint8Array(16);
  readonly words = new Int32Array(this.bytes.buffer);
  readonly view = new DataView(this.bytes.buffer);
}

test('state walk: views sharing one buffer are hashed once, as one piece of state', (t) => {
  const a = new Views();
  const b = new Views();
  b.words[3] = 0x01020304;
  const ea = digest([a]).entries;
  const eb = digest([b]).entries;
  t.deepEqual(
    ea.filter((e, i) => e.h1 !== eb[i].h1).map((e) => e.path),
    ['Views.bytes'],
    'the write through `words` shows in `bytes`; `words` and `view` refer back to it',
  );
  t.is(ea.find((e) => e.path === 'Views.words')!.h1, eb.find((e) => e.path === 'Views.words')!.h1);
});

class Ranged {
  static readonly stateDecl: StateDecl = { deadRanges: (r: Ranged, field: string) => (field === 'mem' ? [r.liveFrom, 16] : null) };
  liveFrom = 8;
  readonly mem = new Uint8Array(16);
}

test('state walk: deadRanges leaves the declared bytes out, and only them', (t) => {
  const a = new Ranged();
  const b = new Ranged();
  b.mem[12] = 1;
  t.deepEqual(differing(a, b), []);
  b.mem[3] = 1;
  t.deepEqual(differing(a, b), ['Ranged.mem']);
});

class Pooled {
  static readonly stateDecl: StateDecl = {
    deadIf: { frameOf: (p: Pooled, i: number) => i >= p.count },
    pools: [{ index: 'frameOf', blocks: [{ field: 'frames', stride: 4 }] }],
  };
  count = 1;
  readonly frameOf = new Int32Array(2);
  readonly frames = new Uint8Array(12);
}

test('state walk: a pool compares what each live entry’s block holds, not which block it is', (t) => {
  const a = new Pooled();
  a.frameOf[0] = 0;
  a.frames.set([1, 2, 3, 4], 0);
  const b = new Pooled();
  b.frameOf[0] = 2;
  b.frames.set([1, 2, 3, 4], 8);
  b.frames.set([9, 9, 9, 9], 0); // a block no entry names
  t.deepEqual(differing(a, b), []);
  b.frames[9] = 7;
  t.deepEqual(differing(a, b), ['Pooled.frameOf']);
});

test('state walk: an object reached twice is walked once; which objects are shared is state', (t) => {
  const shared = { v: 1 };
  const a = { x: shared, y: shared };
  const b = { x: { v: 1 }, y: { v: 1 } };
  t.notDeepEqual(digest([a]).h, digest([b]).h);
  t.is(digest([a]).entries.filter((e) => e.path === 'Object.v').length, 1);
});
