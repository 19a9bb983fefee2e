/**
 * S-BLK-* on hand-made bad states: BlockChecks (system.families[1]) judging a corrupted request,
 * status byte or completion, next to the correct version of the same action.
 */
import test from 'ava';
import { BLOCK_BYTES, SECTORS_PER_BLOCK, STATUS_SENTINEL, VIRTIO_BLK_S_IOERR, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from '../../model/virtio/constants.js';
import { R_IOERR, R_OK } from '../../model/block/block-port.js';
import * as P from '../../model/probes.js';
import type { Machine } from '../../model/machine.js';
import { reach } from '../helpers/system.js';
import { chain, completedIn, completedInHead, deviceServing, devicePublish, headerOffset, headerType, judge, nextHead, publishedUnfetched, servingSlot, statusByte } from '../helpers/states.js';

function good(pred: (m: Machine) => boolean) {
  const r = reach({ scenario: 'virtio-smoke' }, pred);
  const blk = r.system.families[1];
  if (judge(blk, r.machine) !== null) throw new Error('the good state is not good');
  return { blk, m: r.machine };
}

/** The device fetches the next published chain (the probe it records). */
const fetchProbe = (m: Machine): [number, number, number, number] => [P.P_DEVICE_FETCH, nextHead(m), m.device.lastAvail, headerType(m, nextHead(m))];

test('checks: S-BLK-01: the header must be device-readable', (t) => {
  {
    const { blk, m } = good(publishedUnfetched);
    t.is(judge(blk, m, [fetchProbe(m)]), null, 'the chain the driver built');
  }
  const { blk, m } = good(publishedUnfetched);
  const head = nextHead(m);
  m.mem.writeDesc(head, m.mem.headerAddr(head), 16, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, m.mem.descNext(head));
  t.is(judge(blk, m, [fetchProbe(m)])?.check, 'S-BLK-01');
});

test('checks: S-BLK-02: sector not block × 8 (sector-units), past the capacity, or not whole sectors', (t) => {
  {
    const { blk, m } = good(publishedUnfetched);
    const head = nextHead(m);
    const block = m.driver.reqBlock[m.driver.headClient[head]];
    t.is(m.mem.view.getUint32(headerOffset(m, head) + 8, true), block * SECTORS_PER_BLOCK, 'the driver wrote sector = block × 8');
    m.mem.view.setUint32(headerOffset(m, head) + 8, block * SECTORS_PER_BLOCK + 1, true);
    const v = judge(blk, m, [fetchProbe(m)]);
    t.is(v?.check, 'S-BLK-02');
    t.regex(v?.message ?? '', /sector must be/);
  }
  {
    const { blk, m } = good(publishedUnfetched);
    m.mem.view.setUint32(headerOffset(m, nextHead(m)) + 8, m.device.capacitySectors - 1, true);
    const v = judge(blk, m, [fetchProbe(m)]);
    t.is(v?.check, 'S-BLK-02');
    t.regex(v?.message ?? '', /capacity/);
  }
  const { blk, m } = good(publishedUnfetched);
  const data = chain(m, nextHead(m))[1];
  m.mem.writeDesc(data, m.mem.descAddr(data), 1000, m.mem.descFlags(data), m.mem.descNext(data));
  const v = judge(blk, m, [fetchProbe(m)]);
  t.is(v?.check, 'S-BLK-02');
  t.regex(v?.message ?? '', /multiple of 512/);
});

test('checks: S-BLK-03: used.idx passes an element whose status byte is still the sentinel', (t) => {
  {
    const { blk, m } = good(deviceServing());
    const head = m.device.slotHead[servingSlot(m)];
    m.mem.bytes[m.mem.offsetOf(m.mem.statusAddr(head), 1)] = 0;
    t.is(judge(blk, m, devicePublish(m, head, 1)), null, 'status written first: fine');
  }
  const { blk, m } = good(deviceServing());
  const head = m.device.slotHead[servingSlot(m)];
  t.is(statusByte(m, head), STATUS_SENTINEL, 'the device has not written the status yet');
  const v = judge(blk, m, devicePublish(m, head, 1));
  t.is(v?.check, 'S-BLK-03');
  t.regex(v?.message ?? '', /sentinel/);
});

test('checks: S-BLK-04: an IN reported OK must hold exactly the disk’s bytes', (t) => {
  const { blk, m } = good(completedIn);
  const head = completedInHead(m);
  const c = m.driver.headClient[head];
  t.is(judge(blk, m, [[P.P_COMPLETE, c, head, R_OK]]), null, 'the data the device read');
  const off = m.mem.offsetOf(m.mem.dataAddr(head), BLOCK_BYTES);
  m.mem.bytes[off + 1234] ^= 0xff;
  const v = judge(blk, m, [[P.P_COMPLETE, c, head, R_OK]]);
  t.is(v?.check, 'S-BLK-04');
  t.regex(v?.message ?? '', /offset 1234/);
});

test('checks: S-BLK-05: an IOERR from the device reported to the caller as OK', (t) => {
  const { blk, m } = good(completedIn);
  const head = completedInHead(m);
  const c = m.driver.headClient[head];
  // The device wrote IOERR instead.
  m.mem.bytes[m.mem.offsetOf(m.mem.statusAddr(head), 1)] = VIRTIO_BLK_S_IOERR;
  t.is(judge(blk, m, [[P.P_DEVICE_STATUS, head, VIRTIO_BLK_S_IOERR, 0], [P.P_COMPLETE, c, head, R_IOERR]]), null, 'propagated: fine');
  const v = judge(blk, m, [[P.P_COMPLETE, c, head, R_OK]]);
  t.is(v?.check, 'S-BLK-05');
  t.regex(v?.message ?? '', /IOERR/);
});
