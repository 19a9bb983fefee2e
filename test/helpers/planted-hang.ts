/**
 * Imported first by a worker (the campaign's `preload`), this plants an infinite loop inside one
 * event of the model, at the point test/helpers/planted-hang-point.ts names. No work bound can
 * see this loop: only the campaign's wall-clock watchdog can end it.
 */
import { VirtioMachine } from '../../model/virtio-machine.js';
import { plantedHangHere } from './planted-hang-point.js';

const original = VirtioMachine.prototype.dispatch;
let spins = 0;
VirtioMachine.prototype.dispatch = function (this: VirtioMachine, kind: number, a: number, b: number): void {
  if (plantedHangHere(this, kind)) {
    for (;;) spins++;
  }
  original.call(this, kind, a, b);
};

/** Keeps `spins` observable, so the loop is not optimised into something else. */
export function plantedSpins(): number {
  return spins;
}
