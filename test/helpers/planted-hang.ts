/**
 * Imported first by a worker (the campaign's `preload`), this plants an infinite loop inside one
 * event of the model: a device I/O completion that spins forever when it is the run's event
 * number HANG_STEP and completes at an odd microsecond. Which seeds meet it depends on the run,
 * so a campaign has some seeds that hang and many that do not. No work bound can see this loop:
 * only the campaign's wall-clock watchdog can end it.
 */
import { VirtioMachine } from '../../model/virtio-machine.js';
import { E_DEV_IO_DONE } from '../../model/events.js';

export const HANG_STEP = 70;

/** Would the event `kind` at this point of the run hang? */
export function plantedHangHere(m: VirtioMachine, kind: number): boolean {
  return kind === E_DEV_IO_DONE && m.sim.steps === HANG_STEP && m.sim.now % 2 === 1;
}

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
