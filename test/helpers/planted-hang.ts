/**
 * Imported first by a worker (the campaign's `preload`), this plants an infinite loop inside one
 * event of the model, at the point test/helpers/planted-hang-point.ts names: the device's I/O
 * completion handler. No work bound can see this loop: only the campaign's wall-clock watchdog can
 * end it.
 */
import { VirtioDevice, E_DEV_IO_DONE } from '../../model/virtio/device.js';
import type { Simulation } from '../../sim/simulation.js';
import { plantedHangHere } from './planted-hang-point.js';

const original = VirtioDevice.prototype.ioDone;
let spins = 0;
VirtioDevice.prototype.ioDone = function (this: VirtioDevice, slot: number, epoch: number): void {
  // The device's engine is the machine's Simulation (model/machine.ts), which counts steps.
  const sim = (this as unknown as { engine: Simulation }).engine;
  if (plantedHangHere(sim, E_DEV_IO_DONE)) {
    for (;;) spins++;
  }
  original.call(this, slot, epoch);
};

/** Keeps `spins` observable, so the loop is not optimised into something else. */
export function plantedSpins(): number {
  return spins;
}
