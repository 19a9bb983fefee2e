/**
 * Checks that trust nothing they judge: for each check family, a running system has one of the
 * model's own counters or records corrupted — the very field the family used to read as the truth —
 * together with the fault that field would have hidden, and the family must still report the
 * fault, from its probes and its own ghost state. A family that never read such a field is shown
 * catching a corruption of the model's record through its ghost.
 *
 * Runs are campaign systems (they go on after a first violation), restricted with `checks` to the
 * check under test where the corruption also breaks others.
 */
import test from 'ava';
import { Chooser } from '../../sim/chooser.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { makeCampaignSystem } from '../../scenarios/operations.js';
import type { ScenarioSystem } from '../../scenarios/system.js';
import type { Machine } from '../../model/machine.js';
import * as P from '../../model/probes.js';
import { SLOT_IO } from '../../model/virtio/device.js';
import { STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FEATURES_OK, VIRTIO_BLK_T_OUT } from '../../model/virtio/constants.js';
import { MAX_FDS, PS_BLOCKED } from '../../model/proc/abi.js';
import { serviceTable } from '../../model/init/service-table.js';
import { K } from '../../model/init/service-manager.js';
import { SV_RUNNING } from '../../model/init/service-protocol.js';
import { judge } from '../helpers/states.js';
import { target, type TargetSpec } from '../helpers/system.js';

interface Spec extends TargetSpec {
  checks?: string[];
}

function system(spec: Spec, seed: number): ScenarioSystem {
  const t = target(spec);
  const s = makeCampaignSystem(spec.checks ? { ...t, checks: spec.checks } : t);
  s.begin(new Chooser(new RandomStrategy(seed)), 0);
  return s;
}

/** The probes of the step just taken, as [kind, a, b, c]. */
function lastProbes(m: Machine): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  for (let i = 0; i < m.probes.count; i++) out.push([m.probes.buf[4 * i], m.probes.buf[4 * i + 1], m.probes.buf[4 * i + 2], m.probes.buf[4 * i + 3]]);
  return out;
}

interface Outcome {
  seed: number;
  checks: string[];
  messages: string[];
}

/**
 * For seeds 1, 2, …: steps a run until `at` returns a corruption to apply (before that, the run
 * must be clean), applies it, runs on to the end and returns what was reported. Seeds where the
 * moment never comes are skipped; `want` seeds that got there are collected (all of them
 * reported, not only those that caught the fault).
 */
function corrupted(spec: Spec, at: (m: Machine) => (() => void) | null, want = 1, maxSeed = 60): Outcome[] {
  const out: Outcome[] = [];
  for (let seed = 1; seed <= maxSeed && out.length < want; seed++) {
    const s = system(spec, seed);
    let corrupt: (() => void) | null = null;
    while (s.step()) {
      corrupt = at(s.machine);
      if (corrupt) break;
    }
    if (!corrupt) continue;
    if (s.violations.length > 0) throw new Error(`seed ${seed} was not clean before the corruption: ${s.violations[0].check}`);
    corrupt();
    while (s.step()) {
      // on to the end (or the bound after the first violation)
    }
    out.push({ seed, checks: s.violations.map((v) => v.check), messages: s.violations.map((v) => `${v.check}: ${v.message}`) });
  }
  if (out.length === 0) throw new Error(`no seed in 1..${maxSeed} of ${spec.scenario} reached the moment`);
  return out;
}

// ---- virtqueue (checks/virtqueue.ts) ----

test('trust: S-VQ-21: a device that resets without advancing its epoch counter is judged by the resets its probes reported', (t) => {
  // A request the device serves; then the device is reset and re-initialised while the driver
  // keeps its queue, and the device completes the old request in the new epoch. The device's own
  // epoch counter is left where it was (it "forgot" to advance it) — the old check took both
  // epochs from that counter and saw them equal.
  const s = system({ scenario: 'virtio-smoke' }, 1);
  const m = s.machine;
  let slot = -1;
  while (s.step()) {
    const dev = m.device;
    slot = dev.slotState.findIndex((st) => st === SLOT_IO);
    if (slot >= 0 && m.mem.usedIdx() === m.driver.lastUsed && dev.cqLen === 0 && dev.publishing === 0) break;
  }
  t.true(slot >= 0, 'a request in flight');
  t.deepEqual(s.violations, []);
  const vq = s.families[0];
  const head = m.device.slotHead[slot];
  const epoch = m.device.epoch;
  const pos = m.mem.usedIdx();
  const next = (pos + 1) & m.indexMask;
  const ring = pos & (m.params.queueSize - 1);
  const init = [
    [P.P_STATUS_WRITE, m.device.status, 0, 0],
    [P.P_DEVICE_RESET, epoch, 0, 0], // the probe carries the unchanged counter; the ghost counts resets itself
    [P.P_STATUS_READ, 0, 0, 0],
    [P.P_STATUS_WRITE, 0, STATUS_ACKNOWLEDGE, 0],
    [P.P_STATUS_WRITE, STATUS_ACKNOWLEDGE, STATUS_ACKNOWLEDGE | STATUS_DRIVER, 0],
    [P.P_FEATURES, m.device.driverFeatures, 0, 0],
    [P.P_STATUS_WRITE, STATUS_ACKNOWLEDGE | STATUS_DRIVER, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK, 0],
    [P.P_STATUS_READ, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK, 0, 0],
    [P.P_QUEUE_READY, m.params.queueSize, m.params.indexBits, 0],
    [P.P_STATUS_WRITE, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK, 0],
  ] as Array<[number, number, number, number]>;
  t.is(judge(vq, m, init), null, 'the reset and re-initialisation themselves are fine');
  t.is(m.device.epoch, epoch, 'the device never advanced its counter');
  m.mem.bytes[m.mem.offsetOf(m.mem.statusAddr(head), 1)] = 0;
  m.mem.setUsedElemId(ring, head);
  m.mem.setUsedElemLen(ring, 1);
  m.mem.setUsedIdx(next);
  const v = judge(vq, m, [
    [P.P_DEVICE_STATUS, head, 0, 0],
    [P.P_USED_ELEM_ID, pos, head, 0],
    [P.P_USED_ELEM_LEN, pos, 1, 0],
    [P.P_USED_PUBLISH, pos, next, 0],
    [P.P_DRIVER_CONSUME, pos, head, next],
  ]);
  t.is(v?.check, 'S-VQ-21', v?.message);
  t.regex(v?.message ?? '', new RegExp(`epoch ${1} completed head ${head} submitted in epoch 0|device epoch \\d+ completed head ${head}`));
});

test('trust: S-VQ-06: the device’s last_avail pushed past avail.idx shows in where it fetches', (t) => {
  const [o] = corrupted({ scenario: 'virtio-stress' }, (m) => {
    const dev = m.device;
    if (dev.busy !== 0 || m.mem.availIdx() !== dev.lastAvail || m.mem.availIdx() === 0) return null;
    return () => {
      dev.lastAvail = (dev.lastAvail + 1) & m.indexMask;
    };
  });
  t.true(o.checks.includes('S-VQ-06'), o.messages.join('\n'));
});

test('trust: S-VQ-14: a driver whose last_used falls back re-reads an element, and the window stays the ghost’s', (t) => {
  const [o] = corrupted({ scenario: 'virtio-stress' }, (m) => {
    const drv = m.driver;
    if (drv.lockKind !== 0 || m.mem.usedIdx() !== drv.lastUsed || drv.lastUsed < 2) return null;
    return () => {
      drv.lastUsed = (drv.lastUsed - 1) & m.indexMask;
    };
  });
  t.is(o.checks[0], 'S-VQ-14', o.messages.join('\n'));
  t.regex(o.messages[0], /the driver read used position \d+ but the next unread one is/);
});

test('trust: S-VQ-16: a device that sets its EVENT_IDX flag without the feature negotiated is judged by the negotiation', (t) => {
  const [o] = corrupted({ scenario: 'virtio-stress', overrides: { eventIdx: 'off' }, checks: ['S-VQ-16'] }, (m) => {
    const dev = m.device;
    if ((dev.status & STATUS_DRIVER_OK) === 0 || dev.eventIdx !== 0 || m.mem.usedIdx() < 2) return null;
    return () => {
      dev.eventIdx = 1;
    };
  });
  t.deepEqual(o.checks, ['S-VQ-16'], o.messages.join('\n'));
});

// ---- block requests (checks/block.ts) ----

test('trust: S-BLK-06: an overlap with a write in flight is seen though the device’s request table lost its sector', (t) => {
  const outs = corrupted(
    { scenario: 'virtio-stress', checks: ['S-BLK-06'] },
    (m) => {
      const dev = m.device;
      const n = m.params.queueSize;
      const w = dev.slotState.findIndex((st, s) => st === SLOT_IO && dev.slotType[s] === VIRTIO_BLK_T_OUT);
      if (w < 0 || m.mem.availIdx() === dev.lastAvail) return null;
      const next = m.mem.availRing(dev.lastAvail & (n - 1));
      if (next === dev.slotHead[w]) return null;
      return () => {
        // The next request the device reads is aimed at the sector being written (a misdirected
        // request), and the device's record of the write in flight names a sector far away.
        m.mem.view.setUint32(m.mem.offsetOf(m.mem.headerAddr(next), 16) + 8, dev.slotSector[w], true);
        dev.slotSector[w] = dev.slotSector[w] + 100_000;
      };
    },
    1,
    200,
  );
  t.deepEqual(outs[0].checks, ['S-BLK-06'], outs[0].messages.join('\n'));
});

// ---- virtqueue progress (checks/virtqueue-progress.ts) ----

test('trust: L-VQ-04: a waiter the driver dropped from its queue is still owed a wake-up once descriptors are free', (t) => {
  const outs = corrupted(
    { scenario: 'virtio-stress', overrides: { consumeBoundMicros: 50 }, checks: ['L-VQ-04', 'L-VQ-08'] },
    (m) => {
      const drv = m.driver;
      if (drv.descLen === 0) return null;
      return () => {
        drv.descLen = 0; // the driver forgets its waiters; they never get their descriptors
      };
    },
    5,
  );
  const log = outs.map((o) => `seed ${o.seed}: ${o.messages.join('; ') || 'nothing'}`).join('\n');
  for (const o of outs) t.is(o.checks.length, 1, log);
  // The deadline itself (not only "the run ended with a waiter"; the bound is cut to 50 µs so
  // that the runs go on past it): the first waiter and the free
  // count are the ghost's, so the obligation is seen while the driver's queue is empty.
  t.true(
    outs.some((o) => /was not woken within \d+ µs although \d+ are free/.test(o.messages[0])),
    log,
  );
});

// ---- file system (checks/fs.ts) ----

test('trust: S-FS-03: a kernel that forgets to advance a file offset returns the old bytes, and the ghost offset sees it', (t) => {
  const outs = corrupted(
    { scenario: 'fs-read', checks: ['S-FS-03'] },
    (m) => {
      const read = lastProbes(m).find(([k, a, , c]) => k === P.P_FS_READ && a < m.fsClients!.count && c > 0);
      if (!read) return null;
      const [, c, , n] = read;
      const kfs = m.kfs!;
      const f = kfs.fileRow[c] * MAX_FDS + m.fsClients!.fd[c];
      return () => {
        kfs.fdPos[f] -= n;
      };
    },
    10,
  );
  // Whether the client reads again before it seeks or closes depends on the seed: some of them do.
  const caught = outs.filter((o) => o.checks.includes('S-FS-03'));
  t.true(caught.length > 0, outs.map((o) => `seed ${o.seed}: ${o.messages.join('; ') || 'nothing'}`).join('\n'));
  for (const o of caught) t.regex(o.messages[0], /the kernel read from \d+/);
});

// ---- processes (checks/proc.ts) ----

test('trust: S-PM-04: a zombie whose recorded exit status is overwritten is reaped with the status its exit gave', (t) => {
  // (This family judged the table by its ghost already: the status comes from the exit probe.)
  const [o] = corrupted({ scenario: 'zombie-storm', checks: ['S-PM-04'] }, (m) => {
    const exit = lastProbes(m).find(([k, a]) => k === P.P_PROC_EXIT && a > 1);
    if (!exit) return null;
    const pt = m.procs!.t;
    const slot = pt.slotOf(exit[1]);
    if (slot < 0) return null; // reaped in the same step (its parent was waiting)
    return () => {
      pt.status[slot] ^= 0x100;
    };
  });
  t.deepEqual(o.checks, ['S-PM-04'], o.messages.join('\n'));
  t.regex(o.messages[0], /exited with status 0x[0-9a-f]+ but its reaper got/);
});

test('trust: S-PM-07: a worker’s open file that loses its only fd after open() returned is a leak (the allowance for an answered open ends at its return)', (t) => {
  // With 3 cache blocks the file system can answer two opens in one step and return one first;
  // the check lets an answered open go unnamed until its return, and only until then.
  const [o] = corrupted({ scenario: 'fork-wait', overrides: { fs: { ...target({ scenario: 'fork-wait' }).scenario.params.fs!, cacheBlocks: 3 } }, checks: ['S-PM-07'] }, (m) => {
    const install = lastProbes(m).find(([k, , b]) => k === P.P_PROC_OFD_REF && b === 1);
    if (!install) return null;
    const procs = m.procs!;
    const ofd = install[1];
    let at = -1;
    for (let i = 0; i < procs.t.fds.length; i++) if (procs.t.fds[i] === ofd) at = at === -1 ? i : -2;
    // A worker's file, not init's (init without its /etc/rc fd stops the run before any judging step).
    if (at < 0 || Math.floor(at / MAX_FDS) < 2) return null;
    return () => {
      procs.t.fds[at] = -1;
      procs.ofdRefs[ofd] = 0;
    };
  });
  t.deepEqual(o.checks, ['S-PM-07'], o.messages.join('\n'));
  t.regex(o.messages[0], /open file \d+ is named by no fd but was never released/);
});

// ---- IPC (checks/ipc.ts) ----

test('trust: S-IPC-03: a dead process the table still shows alive takes messages, and the exit probe says it is dead', (t) => {
  // The file-system service dies (the others send it requests); the process table is then made
  // to show it blocked instead of a zombie, so the kernel accepts sends to it — and the old check,
  // which asked the same table who is alive, accepted them too.
  const [o] = corrupted(
    { scenario: 'service-crash-loop', checks: ['S-IPC-03'] },
    (m) => {
      const pt = m.procs!.t;
      const table = serviceTable(pt);
      const exit = table && lastProbes(m).find(([k, a, , c]) => k === P.P_PROC_EXIT && c === 1 && a === table[K.pid[0]]);
      if (!exit) return null;
      const slot = pt.slotOf(exit[1]);
      if (slot < 0) return null;
      return () => {
        pt.state[slot] = PS_BLOCKED;
      };
    },
    1,
    100,
  );
  t.deepEqual(o.checks, ['S-IPC-03'], o.messages.join('\n'));
  t.regex(o.messages[0], /is not a live process/);
});

// ---- service manager (checks/services.ts) ----

test('trust: S-SM-02: init records another service’s process, whose program the table was made to show as the right one', (t) => {
  const [o] = corrupted(
    { scenario: 'boot', checks: ['S-SM-02'] },
    (m) => {
      const pt = m.procs!.t;
      const table = serviceTable(pt);
      if (!table || table[K.st[0]] !== SV_RUNNING || table[K.st[1]] !== SV_RUNNING) return null;
      const fsPid = table[K.pid[0]];
      const netPid = table[K.pid[1]];
      const fsSlot = pt.slotOf(fsPid);
      const netSlot = pt.slotOf(netPid);
      if (fsSlot < 0 || netSlot < 0) return null;
      return () => {
        table[K.pid[1]] = fsPid;
        pt.program[fsSlot] = pt.program[netSlot];
      };
    },
    1,
    20,
  );
  t.deepEqual(o.checks, ['S-SM-02'], o.messages.join('\n'));
  t.regex(o.messages[0], /network records PID \d+, which runs filesystem/);
});
