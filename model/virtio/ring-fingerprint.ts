/**
 * The split virtqueue's share of the exhaustive-search fingerprint (VirtIO 1.2 §2.7): what the
 * rings in guest memory hold that can still influence the future. Dead values are left out
 * (architecture.md "fingerprint only what can still influence the future"): avail slots the device
 * has fetched, used elements the driver has consumed, descriptors and buffers of chains that are
 * not live, and an IN buffer until the device has written it.
 */
import type { Hasher64 } from '../../sim/hash.js';
import { BLOCK_BYTES, STATUS_SENTINEL, VIRTIO_BLK_T_IN, VIRTQ_DESC_F_NEXT } from './constants.js';
import { SLOT_IO, type VirtioDevice } from './device.js';
import type { DriverState } from './driver-state.js';
import { distance } from './index-math.js';
import type { RingMemory } from './ring-memory.js';

export function fingerprintRings(h: Hasher64, mem: RingMemory, device: VirtioDevice, drv: DriverState, n: number, mask: number): void {
  h.int(mem.availFlags());
  h.int(mem.availIdx());
  h.int(mem.usedEvent());
  h.int(mem.usedFlags());
  h.int(mem.usedIdx());
  h.int(mem.availEvent());
  // Avail slots not yet fetched by the device (and the one a driver may be writing).
  const availIdx = mem.availIdx();
  let k = distance(availIdx, device.lastAvail, mask);
  if (k > n) k = n;
  for (let i = 0; i < k; i++) h.int(mem.availRing((device.lastAvail + i) & (n - 1)));
  // Used elements published (or being published) and not yet consumed.
  let u = distance(mem.usedIdx(), drv.lastUsed, mask) + device.publishing;
  if (u > n) u = n;
  for (let i = 0; i < u; i++) {
    const slot = (drv.lastUsed + i) & (n - 1);
    h.int(mem.usedElemId(slot));
    h.int(mem.usedElemLen(slot));
  }
  // The free list's order decides which heads future requests get.
  let d = drv.freeHead;
  for (let i = 0; i < drv.numFree && i < n; i++) {
    h.int(d);
    d = mem.descNext(d);
  }
  // Live chains: descriptors and buffers.
  for (let head = 0; head < n; head++) {
    if (drv.headClient[head] < 0 && !deviceHolds(device, head)) continue;
    h.int(head);
    let x = head;
    for (let j = 0; j < 3; j++) {
      h.int(mem.descAddr(x));
      h.int(mem.descLen(x));
      const flags = mem.descFlags(x);
      h.int(flags);
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
      x = mem.descNext(x);
      if (x >= n) break;
    }
    h.bytes(mem.bytes, mem.offsetOf(mem.headerAddr(head), 16), 16);
    h.int(mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)]);
    // Dead value: an IN buffer's old contents are never read before the device overwrites
    // them, so it is hashed only once the device has written it (or for OUT, always).
    if (dataBufferLive(mem, device, drv, head)) mem.hashWords(h, mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES), BLOCK_BYTES);
  }
}

/**
 * Whether a chain's data buffer can still influence the future: OUT data (the device will read
 * it), or IN data once the device's I/O for it has finished (the driver and checks will read it).
 */
function dataBufferLive(mem: RingMemory, dev: VirtioDevice, drv: DriverState, head: number): boolean {
  const hdr = mem.offsetOf(mem.headerAddr(head), 16);
  if (mem.view.getUint32(hdr, true) !== VIRTIO_BLK_T_IN) return true;
  for (let s = 0; s < dev.slotHead.length; s++) {
    if (dev.isSlotBusy(s) && dev.slotHead[s] === head) return dev.slotState[s] !== SLOT_IO;
  }
  // Not held by the device: either not yet fetched (dead) or completed and awaiting the driver.
  return drv.headClient[head] >= 0 && mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)] !== STATUS_SENTINEL;
}

function deviceHolds(dev: VirtioDevice, head: number): boolean {
  for (let s = 0; s < dev.slotHead.length; s++) if (dev.isSlotBusy(s) && dev.slotHead[s] === head) return true;
  return false;
}

/**
 * The bytes of `mem` that `fingerprintRings` leaves out, as ascending [start, end) pairs: the
 * fingerprint audit's view of ring memory (RingMemory's stateDecl asks for it through the hook
 * the machine sets). It mirrors `fingerprintRings` above and must change with it: live are the
 * ring headers and event fields, the avail slots not yet fetched, the used elements not yet
 * consumed, the `next` links that give the free list its order, the descriptors of live chains,
 * their request headers and status bytes, and their data buffers while `dataBufferLive`.
 */
export function ringDeadRanges(mem: RingMemory, device: VirtioDevice, drv: DriverState, n: number, mask: number): number[] {
  const live: number[] = [];
  const add = (start: number, len: number): void => {
    live.push(start, start + len);
  };
  add(mem.availOffset, 4);
  add(mem.availOffset + 4 + 2 * n, 2);
  add(mem.usedOffset, 4);
  add(mem.usedOffset + 4 + 8 * n, 2);
  let k = distance(mem.availIdx(), device.lastAvail, mask);
  if (k > n) k = n;
  for (let i = 0; i < k; i++) add(mem.availOffset + 4 + 2 * ((device.lastAvail + i) & (n - 1)), 2);
  let u = distance(mem.usedIdx(), drv.lastUsed, mask) + device.publishing;
  if (u > n) u = n;
  for (let i = 0; i < u; i++) add(mem.usedOffset + 4 + 8 * ((drv.lastUsed + i) & (n - 1)), 8);
  // The free list: every link but the last one's (never followed: numFree says where it ends).
  let d = drv.freeHead;
  for (let i = 0; i + 1 < drv.numFree && i < n; i++) {
    add(mem.descOffset + 16 * d + 14, 2);
    d = mem.descNext(d);
  }
  for (let head = 0; head < n; head++) {
    if (drv.headClient[head] < 0 && !deviceHolds(device, head)) continue;
    let x = head;
    for (let j = 0; j < 3; j++) {
      const flags = mem.descFlags(x);
      // addr, len and flags; `next` only where the chain goes on.
      add(mem.descOffset + 16 * x, (flags & VIRTQ_DESC_F_NEXT) !== 0 ? 16 : 14);
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) break;
      x = mem.descNext(x);
      if (x >= n) break;
    }
    add(mem.offsetOf(mem.headerAddr(head), 16), 16);
    add(mem.offsetOf(mem.statusAddr(head), 1), 1);
    if (dataBufferLive(mem, device, drv, head)) add(mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES), BLOCK_BYTES);
  }
  return complement(live, mem.bytes.length);
}

/** [start, end) pairs (any order, overlapping) → the ascending pairs covering the rest of [0, size). */
function complement(ranges: number[], size: number): number[] {
  const order: number[] = [];
  for (let i = 0; i < ranges.length; i += 2) order.push(i);
  order.sort((a, b) => ranges[a] - ranges[b]);
  const dead: number[] = [];
  let at = 0;
  for (const i of order) {
    if (ranges[i] > at) dead.push(at, ranges[i]);
    if (ranges[i + 1] > at) at = ranges[i + 1];
  }
  if (at < size) dead.push(at, size);
  return dead;
}
