/**
 * Bugs planted in one system's reference driver by replacing its methods on that instance (the
 * event table calls them by name), for tests that show a check or a search mode catches them.
 * Not zoo mutants: each undoes one of the finer steps of the driver (README "What it does").
 */
import { E_DRV_INIT_STEP, INIT_ACK, INIT_RESET, INIT_WAIT_RESET } from '../../model/virtio/driver-state.js';
import type { ScenarioSystem } from '../../scenarios/system.js';

interface DriverInternals {
  eventIdx: number;
  recovering: number;
  notifiesInFlight: number;
  recheck(mode: number): void;
  endDrain(mode: number): void;
  initStep(step: number): void;
  abandonInFlight(): void;
  resetQueueMemory(): void;
  engine: { after(delay: number, kind: number, a: number, b: number): void };
}

const driverOf = (system: ScenarioSystem) => system.machine.driver as unknown as DriverInternals;

/** After asking for interrupts again (in EVENT_IDX mode `eventIdx`), no second look at used.idx. */
export function noRecheckWhen(system: ScenarioSystem, eventIdx: number): void {
  const drv = driverOf(system);
  const recheck = drv.recheck.bind(drv);
  drv.recheck = (mode: number) => (drv.eventIdx === eventIdx ? drv.endDrain(mode) : recheck(mode));
}

/** After writing 0 the driver goes on at once, without reading status back as 0. */
export function noResetWait(system: ScenarioSystem): void {
  const drv = driverOf(system);
  const initStep = drv.initStep.bind(drv);
  drv.initStep = (step: number) => {
    if (step !== INIT_WAIT_RESET) return initStep(step);
    if (drv.recovering === 1) drv.abandonInFlight();
    drv.resetQueueMemory();
    drv.engine.after(1, E_DRV_INIT_STEP, INIT_ACK, 0);
  };
}

/** Recovery resets the device without waiting for a submitter's notify still to be written. */
export function noQuiesce(system: ScenarioSystem): void {
  const drv = driverOf(system);
  const initStep = drv.initStep.bind(drv);
  drv.initStep = (step: number) => {
    if (step !== INIT_RESET) return initStep(step);
    const pending = drv.notifiesInFlight;
    drv.notifiesInFlight = 0;
    initStep(step);
    drv.notifiesInFlight = pending;
  };
}
