/**
 * S-VQ-* on hand-made bad states: a run is stepped to a good state, then one thing is done wrong
 * by hand (ring memory, driver or device fields, or probes standing for an action), and the
 * VirtqueueChecks family (system.families[0]) is asked to judge. Each test also shows the family
 * accepting the state before the corruption, or the correct version of the same action.
 */
import test from 'ava';
import { ISR_USED_BUFFER, STATUS_FAILED, VIRTIO_BLK_T_IN, VIRTQ_DESC_F_NEXT } from '../../model/virtio/constants.js';
import * as P from '../../model/probes.js';
import { reach, type TargetSpec } from '../helpers/system.js';
import {
  chain,
  deviceServing,
  devicePublish,
  driverConsume,
  judge,
  justDriverOk,
  nextHead,
  publishedUnfetched,
  servingSlot,
  usedPending,
} from '../helpers/states.js';
import type { Machine } from '../../model/machine.js';

const SMOKE: TargetSpec = { scenario: 'virtio-smoke' };

/** A good state of virtio-smoke, with all three families accepting it as it is. */
function good(pred: (m: Machine) => boolean, spec: TargetSpec = SMOKE) {
  const r = reach(spec, pred);
  const [vq, blk, progress] = r.system.families;
  for (const f of [vq, blk, progress]) {
    if (judge(f, r.machine) !== null) throw new Error('the good state is not good');
  }
  if (progress.atEnd(false) !== null) throw new Error('the good state has an overdue obligation');
  return { ...r, vq, m: r.machine };
}

test('checks: S-VQ: the families accept the good states used below', (t) => {
  for (const pred of [justDriverOk, usedPending, deviceServing(), publishedUnfetched, (m: Machine) => m.device.status === 3]) {
    const r = reach(SMOKE, pred);
    for (const f of r.system.families) t.is(judge(f, r.machine), null);
    t.is(r.system.families[2].atEnd(false), null);
  }
});

test('checks: S-VQ-02: a consumed chain not returned to the free list is a leak', (t) => {
  {
    const { vq, m } = good(usedPending);
    t.is(judge(vq, m, driverConsume(m, { free: true })), null, 'consume and free: conserved');
  }
  const { vq, m } = good(usedPending);
  const v = judge(vq, m, driverConsume(m, { free: false }));
  t.is(v?.check, 'S-VQ-02');
  t.regex(v?.message ?? '', /leaked/);
});

test('checks: S-VQ-02: a descriptor handed out while still on the free list', (t) => {
  const { vq, m } = good(justDriverOk);
  // The allocation probe for head 0 without taking its chain off the free list.
  t.is(judge(vq, m, [[P.P_DRIVER_ALLOC, m.driver.freeHead, 3, 0]])?.check, 'S-VQ-02');
});

test('checks: S-VQ-03: a published chain that loops or links past N', (t) => {
  {
    const { vq, m } = good(publishedUnfetched);
    t.is(judge(vq, m, [[P.P_DEVICE_FETCH, nextHead(m), m.device.lastAvail, 0]]), null, 'the real chain is well formed');
  }
  {
    const { vq, m } = good(publishedUnfetched);
    const head = nextHead(m);
    m.mem.writeDesc(head, m.mem.headerAddr(head), 16, VIRTQ_DESC_F_NEXT, head);
    const v = judge(vq, m, [[P.P_DEVICE_FETCH, head, m.device.lastAvail, 0]]);
    t.is(v?.check, 'S-VQ-03');
    t.regex(v?.message ?? '', /within N/);
  }
  const { vq, m } = good(publishedUnfetched);
  const head = nextHead(m);
  m.mem.writeDescNext(head, m.params.queueSize);
  t.is(judge(vq, m, [[P.P_DEVICE_FETCH, head, m.device.lastAvail, 0]])?.check, 'S-VQ-03');
});

test('checks: S-VQ-05: avail.idx moved by anyone but the driver’s publish, or by more than one', (t) => {
  {
    const { vq, m } = good(justDriverOk);
    m.mem.setAvailIdx(1);
    t.is(judge(vq, m)?.check, 'S-VQ-05', 'a write to avail.idx with no publish');
  }
  const { vq, m } = good(justDriverOk);
  m.mem.setAvailIdx(2);
  t.is(judge(vq, m, [[P.P_AVAIL_PUBLISH, 0, 2, 0]])?.check, 'S-VQ-05', 'a publish that adds two heads at once');
});

test('checks: S-VQ-06: index windows: the device reads an entry past avail.idx', (t) => {
  // The windows are taken from the positions the probes report (the device's fetches, the
  // driver's consumes), not from last_avail / last_used: a device whose last_avail ran past
  // avail.idx shows it by fetching there (test/checks/trust.test.ts corrupts the counter itself).
  {
    const { vq, m } = good(publishedUnfetched);
    const pos = m.device.lastAvail;
    t.is(judge(vq, m, [[P.P_DEVICE_FETCH, m.mem.availRing(pos & (m.params.queueSize - 1)), pos, 0]]), null, 'fetching the published entry');
  }
  const { vq, m } = good(justDriverOk);
  const pos = (m.mem.availIdx() + 1) & m.indexMask;
  const v = judge(vq, m, [[P.P_DEVICE_FETCH, m.mem.availRing(pos & (m.params.queueSize - 1)), pos, 0]]);
  t.is(v?.check, 'S-VQ-06');
  // (It skipped position 0: seen at the fetch itself, before the window is.)
  t.regex(v?.message ?? '', /the device read avail position 1, but its last_avail was 0/);
});

test('checks: S-VQ-07: avail.idx bumped before the ring slot, or before the descriptors, were written', (t) => {
  {
    const { vq, m } = good(justDriverOk);
    m.mem.setAvailIdx(1);
    const v = judge(vq, m, [[P.P_AVAIL_PUBLISH, 0, 1, 0]]);
    t.is(v?.check, 'S-VQ-07');
    t.regex(v?.message ?? '', /ring slot/);
  }
  const { vq, m } = good(justDriverOk);
  const head = m.driver.freeHead;
  m.mem.setAvailRing(0, head);
  m.mem.setAvailIdx(1);
  const v = judge(vq, m, [
    [P.P_DRIVER_ALLOC, head, 3, 0],
    [P.P_SLOT_WRITE, 0, head, 0],
    [P.P_AVAIL_PUBLISH, 0, 1, 0],
  ]);
  t.is(v?.check, 'S-VQ-07');
  t.regex(v?.message ?? '', /descriptors/);
});

test('checks: S-VQ-08: a used element whose id is not a head (id ≥ N)', (t) => {
  const { vq, m } = good(deviceServing());
  const v = judge(vq, m, devicePublish(m, m.params.queueSize, 0));
  t.is(v?.check, 'S-VQ-08');
  t.regex(v?.message ?? '', /≥ N/);
});

test('checks: S-VQ-09: a request reported to its caller twice', (t) => {
  const { vq, m } = good(justDriverOk);
  t.is(judge(vq, m, [[P.P_COMPLETE, 0, 0, 0]])?.check, 'S-VQ-09', 'client 0 has nothing outstanding');
});

test('checks: S-VQ-11: used.idx passes an element before its len, or before its status byte', (t) => {
  {
    const { vq, m } = good(deviceServing());
    const head = m.device.slotHead[servingSlot(m)];
    const v = judge(vq, m, devicePublish(m, head, null));
    t.is(v?.check, 'S-VQ-11');
    t.regex(v?.message ?? '', /len/);
  }
  const { vq, m } = good(deviceServing());
  const head = m.device.slotHead[servingSlot(m)];
  const v = judge(vq, m, devicePublish(m, head, 1));
  t.is(v?.check, 'S-VQ-11');
  t.regex(v?.message ?? '', /status byte/);
});

test('checks: S-VQ-13: the device writes a device-readable buffer', (t) => {
  {
    const { vq, m } = good(deviceServing(VIRTIO_BLK_T_IN));
    const head = m.device.slotHead[servingSlot(m, VIRTIO_BLK_T_IN)];
    t.is(judge(vq, m, [[P.P_DEVICE_WRITE, head, m.mem.dataAddr(head), 4096]]), null, 'an IN’s data buffer is writable');
  }
  const { vq, m } = good(deviceServing(VIRTIO_BLK_T_IN));
  const head = m.device.slotHead[servingSlot(m, VIRTIO_BLK_T_IN)];
  t.is(judge(vq, m, [[P.P_DEVICE_WRITE, head, m.mem.headerAddr(head), 16]])?.check, 'S-VQ-13');
});

test('checks: S-VQ-14: the driver reads a used element it has not seen published, or out of order', (t) => {
  {
    const { vq, m } = good(justDriverOk);
    const v = judge(vq, m, [[P.P_DRIVER_CONSUME, m.driver.lastUsed, 0, m.mem.usedIdx()]]);
    t.is(v?.check, 'S-VQ-14');
    t.regex(v?.message ?? '', /not below/);
  }
  const { vq, m } = good(usedPending);
  const pos = (m.driver.lastUsed + 1) & m.indexMask;
  const v = judge(vq, m, [[P.P_DRIVER_CONSUME, pos, 0, (pos + 1) & m.indexMask]]);
  t.is(v?.check, 'S-VQ-14');
  t.regex(v?.message ?? '', /next unread/);
});

test('checks: S-VQ-18: notify, fetch or used interrupt before DRIVER_OK', (t) => {
  const beforeOk = (m: Machine) => m.device.status === 3;
  for (const probe of [
    [P.P_DRIVER_NOTIFY, 3, 0, 0],
    [P.P_DEVICE_FETCH, 0, 0, 0],
    [P.P_IRQ_RAISE, ISR_USED_BUFFER, 0, 0],
  ] as const) {
    const { vq, m } = good(beforeOk);
    t.is(judge(vq, m, [[...probe]])?.check, 'S-VQ-18', `probe kind ${probe[0]}`);
  }
  const { vq, m } = good(justDriverOk);
  t.is(judge(vq, m, [[P.P_DRIVER_NOTIFY, m.device.status, 0, 0]]), null, 'after DRIVER_OK a notify is fine');
});

test('checks: S-VQ-19: status bits cleared without a reset, out of init order, or DRIVER_OK before FEATURES_OK is re-read', (t) => {
  {
    const { vq, m } = good(justDriverOk);
    m.device.status = 7;
    t.is(judge(vq, m, [[P.P_STATUS_WRITE, 15, 7, 0]])?.check, 'S-VQ-19', 'FEATURES_OK cleared');
  }
  {
    const { vq, m } = good((x) => x.device.status === 1);
    t.is(judge(vq, m, [[P.P_STATUS_WRITE, 1, 9, 0]])?.check, 'S-VQ-19', 'FEATURES_OK before DRIVER');
  }
  {
    // Step 6 wrote FEATURES_OK; step 7 reads it back.
    const { vq, m } = good((x) => x.sim.steps === 6);
    t.is(m.device.status, 11);
    const v = judge(vq, m, [[P.P_STATUS_WRITE, 11, 15, 0]]);
    t.is(v?.check, 'S-VQ-19');
    t.regex(v?.message ?? '', /read back/);
  }
  {
    const { vq, m } = good((x) => x.sim.steps === 7);
    t.is(judge(vq, m, [[P.P_STATUS_WRITE, 11, 15, 0]]), null, 'after the re-read DRIVER_OK is in order');
  }
  const { vq, m } = good(justDriverOk);
  t.is(judge(vq, m, [[P.P_STATUS_WRITE, 15, 15 | STATUS_FAILED, 0]]), null, 'FAILED may be added at any time');
});

test('checks: S-VQ-20: the ring rebuilt before the driver read status 0 after a reset', (t) => {
  const { vq, m } = good((x) => x.sim.steps === 1);
  t.is(judge(vq, m, [[P.P_QUEUE_RESET, 0, 0, 0]])?.check, 'S-VQ-20');
});

test('checks: S-VQ-22: acknowledging bits not read, or draining before the acknowledgement', (t) => {
  {
    const { vq, m } = good(justDriverOk);
    t.is(
      judge(vq, m, [
        [P.P_HANDLER_START, 0, 0, 0],
        [P.P_ISR_READ, ISR_USED_BUFFER, 0, 0],
        [P.P_ISR_ACK, ISR_USED_BUFFER, 0, 0],
        [P.P_HANDLER_END, 0, 0, 0],
      ]),
      null,
    );
  }
  {
    const { vq, m } = good(justDriverOk);
    t.is(
      judge(vq, m, [
        [P.P_HANDLER_START, 0, 0, 0],
        [P.P_ISR_READ, 0, 0, 0],
        [P.P_ISR_ACK, ISR_USED_BUFFER, 0, 0],
      ])?.check,
      'S-VQ-22',
    );
  }
  const { vq, m } = good(usedPending);
  const consume = driverConsume(m, { free: true });
  t.is(judge(vq, m, [[P.P_HANDLER_START, 0, 0, 0], [P.P_ISR_READ, ISR_USED_BUFFER, 0, 0], ...consume])?.check, 'S-VQ-22');
});

test('checks: S-VQ-23: a spurious interrupt treated as an error', (t) => {
  {
    const { vq, m } = good(justDriverOk);
    t.is(
      judge(vq, m, [
        [P.P_HANDLER_START, 0, 0, 0],
        [P.P_ISR_READ, 0, 0, 0],
        [P.P_HANDLER_END, 0, 0, 0],
      ]),
      null,
      'an interrupt with nothing new, tolerated',
    );
  }
  const { vq, m } = good(justDriverOk);
  m.driver.panic = P.PANIC_SPURIOUS_INTERRUPT;
  t.is(
    judge(vq, m, [
      [P.P_HANDLER_START, 0, 0, 0],
      [P.P_ISR_READ, 0, 0, 0],
      [P.P_PANIC, P.PANIC_SPURIOUS_INTERRUPT, 0, 0],
    ])?.check,
    'S-VQ-23',
  );
});

test('checks: S-VQ: fixture: a published IN/OUT request is a three-descriptor chain', (t) => {
  const { m } = good(publishedUnfetched);
  t.is(chain(m, nextHead(m)).length, 3);
});
