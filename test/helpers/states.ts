/**
 * Good states to corrupt, for the check tests: predicates over a Machine that `reach` steps
 * a run to, and small helpers that act on a machine the way a (buggy) driver or device would,
 * recording the probes it would record.
 */
import type { CheckFamily } from '../../checks/check.js';
import type { Violation } from '../../sim/violation.js';
import { STATUS_DRIVER_OK, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTQ_DESC_F_NEXT } from '../../model/virtio/constants.js';
import { RQ_IN_FLIGHT } from '../../model/virtio/driver-state.js';
import { distance } from '../../model/virtio/index-math.js';
import type { Machine } from '../../model/machine.js';
import { SLOT_IO } from '../../model/virtio/device.js';
import * as P from '../../model/probes.js';

export type Probe = [kind: number, a: number, b: number, c: number];

/** Replaces the machine's probe buffer with `probes` and asks `family` to judge the step. */
export function judge(family: CheckFamily, m: Machine, probes: readonly Probe[] = []): Violation | null {
  m.probes.clear();
  for (const [k, a, b, c] of probes) m.probes.add(k, a, b, c);
  return family.afterStep();
}

const ALL_OK = 15;

// ---- states ----

/** Right after DRIVER_OK, before any request was published. */
export const justDriverOk = (m: Machine): boolean => m.device.status === ALL_OK && m.mem.availIdx() === 0 && m.driver.lockKind === 0;

const nothingUnfetched = (m: Machine): boolean => distance(m.mem.availIdx(), m.device.lastAvail, m.indexMask) === 0;
const nothingUnconsumed = (m: Machine): boolean => m.mem.usedIdx() === m.driver.lastUsed;
const deviceLive = (m: Machine): boolean => (m.device.status & STATUS_DRIVER_OK) !== 0 && m.device.failed === 0;

/** A used element is published and not consumed; the lock is free (no handler running); every published entry was fetched. */
export const usedPending = (m: Machine): boolean =>
  deviceLive(m) && distance(m.mem.usedIdx(), m.driver.lastUsed, m.indexMask) >= 1 && m.driver.lockKind === 0 && nothingUnfetched(m);

/** The device serves a request (I/O not finished) and publishes nothing at the moment. */
export const deviceServing =
  (type?: number) =>
  (m: Machine): boolean =>
    deviceLive(m) && m.device.publishing === 0 && m.device.cqLen === 0 && servingSlot(m, type) >= 0;

/** A device slot whose I/O is in progress (of `type` if given), or −1. */
export function servingSlot(m: Machine, type?: number): number {
  const dev = m.device;
  for (let s = 0; s < dev.slotState.length; s++) if (dev.slotState[s] === SLOT_IO && (type === undefined || dev.slotType[s] === type)) return s;
  return -1;
}

/** An IN or OUT entry is published, not yet fetched; nothing is waiting in the used ring. */
export const publishedUnfetched = (m: Machine): boolean => {
  if (!deviceLive(m) || nothingUnfetched(m) || !nothingUnconsumed(m)) return false;
  const type = headerType(m, nextHead(m));
  return type === VIRTIO_BLK_T_IN || type === VIRTIO_BLK_T_OUT;
};

/** A request is in flight at the device, with nothing in either ring waiting for the other side. */
export const inFlightQuiet = (m: Machine): boolean =>
  deviceLive(m) && nothingUnfetched(m) && nothingUnconsumed(m) && servingSlot(m) >= 0 && m.driver.reqState.some((s) => s === RQ_IN_FLIGHT);

/** An IN request the device completed OK (data and status written), not yet consumed by the driver. */
export const completedIn = (m: Machine): boolean => completedInHead(m) >= 0;

export function completedInHead(m: Machine): number {
  const drv = m.driver;
  for (let h = 0; h < drv.n; h++) {
    const c = drv.headClient[h];
    if (c < 0 || drv.reqType[c] !== VIRTIO_BLK_T_IN || drv.reqState[c] !== RQ_IN_FLIGHT) continue;
    if (statusByte(m, h) === 0 && servingSlotOf(m, h) < 0) return h;
  }
  return -1;
}

function servingSlotOf(m: Machine, head: number): number {
  const dev = m.device;
  for (let s = 0; s < dev.slotState.length; s++) if (dev.slotState[s] === SLOT_IO && dev.slotHead[s] === head) return s;
  return -1;
}

// ---- reading and acting on ring memory ----

/** The head in the avail slot the device reads next. */
export const nextHead = (m: Machine): number => m.mem.availRing(m.device.lastAvail & (m.params.queueSize - 1));

export const headerOffset = (m: Machine, head: number): number => m.mem.offsetOf(m.mem.headerAddr(head), 16);

export const headerType = (m: Machine, head: number): number => m.mem.view.getUint32(headerOffset(m, head), true);

export const statusByte = (m: Machine, head: number): number => m.mem.bytes[m.mem.offsetOf(m.mem.statusAddr(head), 1)];

/** Descriptors of the chain at `head`, in order. */
export function chain(m: Machine, head: number): number[] {
  const out = [head];
  let d = head;
  while ((m.mem.descFlags(d) & VIRTQ_DESC_F_NEXT) !== 0 && out.length < m.params.queueSize) {
    d = m.mem.descNext(d);
    out.push(d);
  }
  return out;
}

/**
 * The driver consumes the used element at last_used, as `consume` in driver.ts does, freeing the
 * chain or (leak-on-error) not. Returns the probes it records.
 */
export function driverConsume(m: Machine, opts: { free: boolean }): Probe[] {
  const drv = m.driver;
  const mem = m.mem;
  const pos = drv.lastUsed;
  const observed = mem.usedIdx();
  const id = mem.usedElemId(pos & (m.params.queueSize - 1));
  const probes: Probe[] = [[P.P_DRIVER_CONSUME, pos, id, observed]];
  if (opts.free) {
    const ds = chain(m, id);
    mem.writeDescNext(ds[ds.length - 1], drv.freeHead);
    drv.freeHead = id;
    drv.numFree += ds.length;
    probes.push([P.P_DRIVER_FREE, id, ds.length, 0]);
  }
  drv.headClient[id] = -1;
  drv.lastUsed = (pos + 1) & m.indexMask;
  return probes;
}

/** The device publishes a used element {id, len} at used.idx and bumps it; `len` null skips the len write. */
export function devicePublish(m: Machine, id: number, len: number | null): Probe[] {
  const mem = m.mem;
  const pos = mem.usedIdx();
  const slot = pos & (m.params.queueSize - 1);
  const next = (pos + 1) & m.indexMask;
  const probes: Probe[] = [];
  mem.setUsedElemId(slot, id);
  probes.push([P.P_USED_ELEM_ID, pos, id, 0]);
  if (len !== null) {
    mem.setUsedElemLen(slot, len);
    probes.push([P.P_USED_ELEM_LEN, pos, len, 0]);
  }
  mem.setUsedIdx(next);
  m.device.usedShadow = next;
  probes.push([P.P_USED_PUBLISH, pos, next, 0]);
  return probes;
}
