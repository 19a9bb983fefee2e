import test from 'ava';
import { labelId } from '../../../sim/labels.js';
import { E_DRV_INIT_STEP } from '../../../model/virtio/driver-state.js';
import { P_STATUS_WRITE } from '../../../model/probes.js';
import {
  FEATURE_EVENT_IDX,
  FEATURE_VERSION_1,
  STATUS_ACKNOWLEDGE,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FEATURES_OK,
} from '../../../model/virtio/constants.js';
import { runSeed } from '../../../scenarios/operations.js';
import type { ScenarioSystem } from '../../../scenarios/system.js';
import { begun, reach, target, type TargetSpec } from '../../helpers/system.js';

const ACK = STATUS_ACKNOWLEDGE;
const ACK_DRIVER = ACK | STATUS_DRIVER;
const FEATURES_OK = ACK_DRIVER | STATUS_FEATURES_OK;
const ALL_OK = FEATURES_OK | STATUS_DRIVER_OK;

interface StatusWrite {
  step: number;
  old: number;
  value: number;
  /** The device's status register right after the step. */
  after: number;
}

/** Steps the whole run by hand, collecting every status write the driver makes (from the probes). */
function statusWrites(system: ScenarioSystem): StatusWrite[] {
  const writes: StatusWrite[] = [];
  const m = system.machine;
  while (system.step()) {
    const buf = m.probes.buf;
    for (let i = 0; i < m.probes.count; i++) {
      if (buf[4 * i] === P_STATUS_WRITE) writes.push({ step: m.sim.steps, old: buf[4 * i + 1], value: buf[4 * i + 2], after: m.device.status });
    }
  }
  return writes;
}

for (const profile of ['reference', 'eclipse-b']) {
  test(`virtio: init (${profile}): status writes go 0 → ACK → ACK|DRIVER → |FEATURES_OK → |DRIVER_OK (§3.1.1)`, (t) => {
    for (let seed = 1; seed <= 10; seed++) {
      const system = begun({ scenario: 'virtio-smoke', profile }, seed);
      const writes = statusWrites(system);
      t.is(system.violation, null);
      t.deepEqual(
        writes.map((w) => [w.old, w.value]),
        [
          [0, 0],
          [0, ACK],
          [ACK, ACK_DRIVER],
          [ACK_DRIVER, FEATURES_OK],
          [FEATURES_OK, ALL_OK],
        ],
        `seed ${seed}`,
      );
      t.deepEqual(writes.map((w) => w.after), [0, ACK, ACK_DRIVER, FEATURES_OK, ALL_OK], 'the device holds what was written');
      t.deepEqual(writes.map((w) => w.step), [1, 3, 4, 6, 9], 'one register access per event, reset read-back and feature steps between');
      t.is(system.machine.device.status, ALL_OK);
    }
  });
}

test('virtio: init: the trace of virtio-smoke starts with the nine init steps in order, then the clients', (t) => {
  const { result, system } = runSeed(target({ scenario: 'virtio-smoke' }), 3, Infinity);
  t.is(result.violation, null);
  const records = [...system.machine.sim.trace.records()];
  t.is(records.length, result.steps, 'no faults in virtio-smoke: one record per event, no notes');
  t.deepEqual(records.slice(0, 9).map((r) => [r.step, r.kind, r.a]), Array.from({ length: 9 }, (_, i) => [i + 1, E_DRV_INIT_STEP, i]));
  t.false(records.slice(9).some((r) => r.kind === E_DRV_INIT_STEP), 'no re-initialisation without a device failure');
});

test('virtio: init: no request reaches the device before DRIVER_OK', (t) => {
  const system = begun({ scenario: 'virtio-smoke' }, 5);
  const m = system.machine;
  while (system.step()) {
    if ((m.device.status & STATUS_DRIVER_OK) === 0) {
      t.is(m.mem.availIdx(), 0);
      t.is(m.device.lastAvail, 0);
    }
  }
  t.is(system.violation, null);
  t.true(m.mem.availIdx() > 0, 'requests were made after DRIVER_OK');
});

const afterInit = (spec: TargetSpec) => reach(spec, (m) => m.device.status === ALL_OK, 1).machine;

test('virtio: features: reference negotiates EVENT_IDX when eventIdx is on', (t) => {
  const m = afterInit({ scenario: 'virtio-smoke', overrides: { eventIdx: 'on' } });
  t.is(m.device.driverFeatures, FEATURE_VERSION_1 | FEATURE_EVENT_IDX);
  t.is(m.device.eventIdx, 1);
  t.is(m.driver.eventIdx, 1);
});

test('virtio: features: reference does not negotiate EVENT_IDX when eventIdx is off', (t) => {
  const m = afterInit({ scenario: 'virtio-smoke', overrides: { eventIdx: 'off' } });
  t.is(m.device.driverFeatures, FEATURE_VERSION_1);
  t.is(m.device.eventIdx, 0);
  t.is(m.driver.eventIdx, 0);
});

test('virtio: features: with eventIdx "either" each run chooses, by its first choice', (t) => {
  const seen = new Set<number>();
  const L = labelId('config.event-idx');
  for (let seed = 1; seed <= 12; seed++) {
    const s = begun({ scenario: 'virtio-smoke' }, seed);
    while (s.machine.device.status !== ALL_OK && s.step()) {
      // to DRIVER_OK
    }
    const log = s.machine.sim.chooser.log;
    t.is(log.labels[0], L ?? -1, 'the first choice of the run decides EVENT_IDX');
    t.is(s.machine.driver.eventIdx, log.values[0]);
    t.is((s.machine.device.driverFeatures & FEATURE_EVENT_IDX) !== 0, log.values[0] === 1);
    seen.add(s.machine.driver.eventIdx);
  }
  t.deepEqual([...seen].sort(), [0, 1], 'both outcomes occur');
});

test('virtio: features: eclipse-b writes features 0, even with eventIdx on', (t) => {
  for (const eventIdx of ['on', 'off', 'either'] as const) {
    const m = afterInit({ scenario: 'virtio-smoke', profile: 'eclipse-b', overrides: { eventIdx } });
    t.is(m.device.driverFeatures, 0, `eventIdx ${eventIdx}`);
    t.is(m.device.eventIdx, 0);
    t.is(m.driver.eventIdx, 0);
  }
});

test('virtio: features: with EVENT_IDX the ring flags stay 0 and used_event tracks the driver', (t) => {
  const system = begun({ scenario: 'virtio-smoke', overrides: { eventIdx: 'on' } }, 2);
  const m = system.machine;
  let consumed = false;
  while (system.step()) {
    t.is(m.mem.availFlags(), 0);
    t.is(m.mem.usedFlags(), 0);
    if (m.driver.lastUsed > 0) consumed = true;
  }
  t.is(system.violation, null);
  t.true(consumed);
  t.is(m.mem.usedEvent(), m.driver.lastUsed, 'after the last drain the driver asks for the next element');
});

test('virtio: recovery: after a device failure the driver resets and re-runs the handshake', (t) => {
  // virtio-stress has device failures; find a run with one and check the status writes after it.
  let checked = false;
  for (let seed = 1; seed <= 300 && !checked; seed++) {
    const system = begun({ scenario: 'virtio-stress' }, seed);
    const writes = statusWrites(system);
    t.is(system.violation, null, `seed ${seed}`);
    if (writes.length <= 5) continue;
    const later = writes.slice(5).map((w) => w.value);
    // Each recovery: reset (0), then the same four steps.
    t.is(later.length % 5, 0, `seed ${seed}: ${JSON.stringify(later)}`);
    for (let i = 0; i < later.length; i += 5) t.deepEqual(later.slice(i, i + 5), [0, ACK, ACK_DRIVER, FEATURES_OK, ALL_OK]);
    t.true(system.machine.device.epoch >= 2, 'the device epoch grew with the reset');
    checked = true;
  }
  t.true(checked, 'some seed ≤ 300 had a device failure');
});
