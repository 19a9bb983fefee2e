/**
 * Coverage probes that classify the whole machine rather than one part's step: what the block
 * requests were doing when a fault struck, and what was at the device when power was lost. They
 * run only when a fault strikes (rare), read state, and only count (model/coverage.ts).
 */
import { C_POWER_IDLE, C_POWER_READ, C_POWER_TORN_ALL, C_POWER_TORN_NONE, C_POWER_TORN_PART, C_POWER_WRITE_NOT_TAKEN, FAULT_HAS_PHASES, FAULT_PHASE_SLOTS, FAULT_PROBE, PH_DESC_SHORT, PH_NONE, PH_ONE, PH_SEVERAL, type Coverage } from './coverage.js';
import { VIRTIO_BLK_T_OUT } from './virtio/constants.js';
import { SLOT_IO, type VirtioDevice } from './virtio/device.js';
import { RQ_IDLE, RQ_WAIT_DESC, RQ_IN_FLIGHT } from './virtio/driver-state.js';
import type { VirtioDriver } from './virtio/driver.js';

/** A fault of `kind` struck: count it with what the driver's requests were doing. */
export function coverFault(cov: Coverage, kind: number, driver: VirtioDriver): void {
  const base = kind * FAULT_PHASE_SLOTS;
  if (FAULT_HAS_PHASES[kind] === 0) {
    cov.hit(FAULT_PROBE[base]);
    return;
  }
  let outstanding = 0;
  let short = false;
  const rq = driver.reqState;
  for (let c = 0; c < rq.length; c++) {
    if (rq[c] === RQ_IDLE) continue;
    outstanding++;
    if (rq[c] === RQ_WAIT_DESC) short = true;
  }
  const phase = outstanding === 0 ? PH_NONE : outstanding === 1 ? PH_ONE : PH_SEVERAL;
  if (FAULT_PROBE[base + phase] >= 0) cov.hit(FAULT_PROBE[base + phase]);
  if (short && FAULT_PROBE[base + PH_DESC_SHORT] >= 0) cov.hit(FAULT_PROBE[base + PH_DESC_SHORT]);
}

/**
 * Power is lost (before the tear): what the device was carrying out, and what of each write in
 * I/O reached the disk (`torn` sectors of `sectors`, from virtio/torn-write.ts).
 */
export function coverPowerLoss(cov: Coverage, driver: VirtioDriver, dev: VirtioDevice): void {
  let atDevice = false;
  for (let s = 0; s < dev.slotState.length; s++) {
    if (dev.slotState[s] !== SLOT_IO) continue;
    atDevice = true;
    if (dev.slotType[s] !== VIRTIO_BLK_T_OUT) cov.hit(C_POWER_READ);
  }
  // A write the driver holds that the device has not begun (waiting, submitting or posted).
  const rq = driver.reqState;
  for (let c = 0; c < rq.length; c++) {
    if (rq[c] !== RQ_IDLE && rq[c] !== RQ_IN_FLIGHT && driver.reqType[c] === VIRTIO_BLK_T_OUT) cov.hit(C_POWER_WRITE_NOT_TAKEN);
  }
  if (!atDevice) cov.hit(C_POWER_IDLE);
}

/** One write in I/O torn by power loss: `torn` of its `sectors` reached the disk. */
export function coverTear(cov: Coverage, torn: number, sectors: number): void {
  cov.hit(torn === 0 ? C_POWER_TORN_NONE : torn === sectors ? C_POWER_TORN_ALL : C_POWER_TORN_PART);
}
