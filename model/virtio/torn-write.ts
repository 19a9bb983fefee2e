/**
 * Power loss during a write (kernel.md §3.1): a write the device is carrying out is torn at sector
 * granularity — a chosen prefix of its sectors reaches the disk; writes the device has not taken
 * are lost; completed writes stay.
 */
import { label } from '../../sim/labels.js';
import type { Engine } from '../../sim/engine.js';
import type { DiskModel } from '../disk/disk-model.js';
import { SECTOR_BYTES, VIRTIO_BLK_T_OUT } from './constants.js';
import { SLOT_IO, type VirtioDevice } from './device.js';
import type { RingMemory } from './ring-memory.js';
import { coverTear } from '../coverage-sites.js';
import type { Coverage } from '../coverage.js';

const L_TEAR = label('power.torn-sectors');

/** Writes, for each OUT request in I/O, a chosen number of its leading sectors to the disk. */
export function tearInFlightWrites(engine: Engine, dev: VirtioDevice, mem: RingMemory, disk: DiskModel, cov: Coverage): void {
  for (let s = 0; s < dev.slotState.length; s++) {
    if (dev.slotState[s] !== SLOT_IO || dev.slotType[s] !== VIRTIO_BLK_T_OUT || dev.slotSector[s] < 0) continue;
    const sectors = Math.min(dev.slotDataLen[s] / SECTOR_BYTES, disk.sectors - dev.slotSector[s]);
    const torn = engine.choose(L_TEAR, sectors + 1);
    coverTear(cov, torn, sectors);
    if (torn > 0) disk.write(dev.slotSector[s], torn, mem.bytes, mem.offsetOf(dev.slotDataAddr[s], torn * SECTOR_BYTES));
  }
}
