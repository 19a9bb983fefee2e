import test from 'ava';
import fc from 'fast-check';
import { FingerprintSet } from '../../sim/fingerprint-set.js';
import { SharedFingerprintTable } from '../../sim/shared-fingerprint-table.js';
import type { StateStore } from '../../sim/state-store.js';
import { holds } from '../helpers/system.js';

// What both stores of explored states mean (sim/state-store.ts), checked against one model: `visit`
// is true when the state is new or now reached shallower, a fingerprint is stored once, 0:0 is
// stored as 0:1 and depths saturate at 65535. What is particular to each store (growth and the
// byte budget of the set; the exact bound, sizing and concurrent inserts of the shared table) is
// tested in fingerprint-set.test.ts and shared-fingerprint-table.test.ts.

const STORES: Array<{ name: string; make: () => StateStore }> = [
  // Two slots to start with: the visits make it grow several times.
  { name: 'fingerprint set', make: () => new FingerprintSet(2) },
  // A state bound above the most distinct fingerprints the visits hold (41 × 4).
  { name: 'shared fingerprint table', make: () => SharedFingerprintTable.create(1000, 1 << 20) },
];

for (const store of STORES) {
  test(`engine: state store (${store.name}): agrees with a Map model on any visit sequence`, (t) => {
    const visit = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 70000 }));
    holds(
      t,
      fc.property(fc.array(visit, { maxLength: 400 }), (visits) => {
        const s = store.make();
        const model = new Map<string, number>();
        for (const [hi, lo, depth] of visits) {
          // 0:0 is stored as 0:1; depths saturate at 65535.
          const key = hi === 0 && lo === 0 ? '0:1' : `${hi}:${lo}`;
          const d = Math.min(depth, 0xffff);
          const old = model.get(key);
          const expected = old === undefined || d < old;
          if (expected) model.set(key, d);
          if (s.visit(hi, lo, depth) !== expected) return false;
        }
        return s.size === model.size && !s.full;
      }),
    );
  });
}
