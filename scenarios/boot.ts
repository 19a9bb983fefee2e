import { NO_FAULTS, type FsParams, type ProcParams, type ServiceParams, type MachineParams, type Workload } from '../model/params.js';
import { bootDisk } from './proc.js';
import type { Scenario } from './scenario.js';
import { FS_BASE } from './fs.js';

/**
 * The whole machine (kernel.md §1, §6): boot from the disk, init and the five services, under
 * faults. Times are the design's defaults scaled down by ten (start timeout 50 ms, health period
 * 100 ms, backoff 10 ms … 500 ms, stable period 1 s, MaxR 5 within 3 s), so a run covers many
 * health periods and restarts in a few simulated seconds.
 */
export const SERVICE_DEFAULTS: ServiceParams = {
  startTimeout: 50_000,
  healthPeriod: 100_000,
  backoffBase: 10_000,
  backoffCap: 500_000,
  stablePeriod: 1_000_000,
  maxRestarts: 5,
  maxRestartWindow: 3_000_000,
  initYields: 20,
  restartEvery: 1,
  count: 5,
  requestPeriod: 30_000,
  slackMicros: 50_000,
};

const BOOT_WORKLOAD: Workload = { fanout: 0, depth: 0, children: 0, rounds: 0, compute: 2, serviceIterations: 50, serviceHelperEvery: 0 };

function disk(maxBoots: number): FsParams {
  return bootDisk('boot', { cacheBlocks: 16, maxBoots });
}

function proc(p: Partial<Omit<ProcParams, 'services'>> & { services?: Partial<ServiceParams> } = {}): ProcParams {
  return {
    tickMicros: 1000,
    stepMicrosOptions: [10, 20, 50],
    frames: 400,
    reapBoundMicros: 200_000,
    mailboxSize: 16,
    slowStartMicros: 30_000,
    powerLossAtTick: false,
    workload: BOOT_WORKLOAD,
    ...p,
    services: { ...SERVICE_DEFAULTS, ...(p.services ?? {}) },
  };
}

const BOOT_BASE: MachineParams = { ...FS_BASE, maxTimeMicros: 2_500_000 };

const LOW_FAULTS = { ...NO_FAULTS, ioError: 0.005, irqLost: 0.005, irqSpurious: 0.005, latencySpike: 0.005, crash: 0.0005, hang: 0.0005, slowStart: 0.05, frameShortage: 0.005 };

export const BOOT_SCENARIOS: Scenario[] = [
  {
    name: 'boot',
    description: 'the whole machine: boot from disk, init and the five services, every fault kind at low rates',
    purpose: 'boot order, service start in dependency order, READY, health pings, restarts, IPC between services, reaping',
    // (A 10 ms slow start takes two or three CPU slices: some make the start timeout, some do not.)
    // 8 descriptors: two requests in flight, so services loading at once wait for descriptors.
    params: { ...BOOT_BASE, queueSize: 8, faults: LOW_FAULTS, faultBudget: 6, swarm: true, fs: disk(1), proc: proc({ slowStartMicros: 10_000 }) },
    swarmKnobs: [{ key: 'faults.crash', values: [0.0005, 0, 0.002] }],
    campaignSeeds: 200,
    explorable: false,
    exploreMaxDepth: 100_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'service-crash-loop',
    description: 'services crash often (any step, before or after READY) and starts fail for lack of frames, until restart intensity makes them Failed; eclipse-b’s services also fork a helper every iteration',
    purpose: 'backoff, the failure count and its reset, MaxR/MaxT, sticky Failed (S-SM-04, S-SM-05, S-SM-08); on eclipse-b, the table filling (S-PM-13)',
    // Frequent frame shortage: starts fail at fork or exec, so restarts come from both. eclipse-b's
    // services also fork helpers (reference services always do), so processes churn as they
    // crash and come back: enough to fill eclipse-b's never-freed table (S-PM-13).
    params: { ...BOOT_BASE, faults: { ...NO_FAULTS, crash: 0.01, frameShortage: 0.3 }, faultBudget: 25, swarm: false, fs: disk(1), proc: proc({ workload: { ...BOOT_WORKLOAD, serviceHelperEvery: 1 } }) },
    campaignSeeds: 200,
    explorable: false,
    exploreMaxDepth: 100_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'service-hang',
    description: 'services hang (alive, never answering again); init must notice within two health periods',
    purpose: 'health pings, hang detection, kill and restart (L-SM-04)',
    params: { ...BOOT_BASE, faults: { ...NO_FAULTS, hang: 0.01 }, faultBudget: 3, swarm: false, fs: disk(1), proc: proc() },
    campaignSeeds: 200,
    explorable: false,
    exploreMaxDepth: 100_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'dependency-slow',
    description: 'services start slowly (30 ms of CPU before their first step; with the CPU shared in 10 ms slices that is about 100 ms, within this scenario’s 200 ms start timeout)',
    purpose: 'start in dependency order only when dependencies are Running (S-SM-06), start timeouts',
    params: { ...BOOT_BASE, faults: { ...NO_FAULTS, slowStart: 0.5, latencySpike: 0.02 }, faultBudget: 8, swarm: false, fs: disk(1), proc: proc({ services: { startTimeout: 200_000 } }) },
    campaignSeeds: 200,
    explorable: false,
    exploreMaxDepth: 100_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'power-loss-reboot',
    description: 'power fails at a timer tick (up to twice); the machine boots again from the same disk',
    purpose: 'services come back after reboot; the filesystem service’s writes survive as S-FS-05 requires',
    params: { ...BOOT_BASE, faults: { ...NO_FAULTS, powerLoss: 0.001, ioError: 0.005 }, faultBudget: 4, swarm: false, fs: disk(3), proc: proc({ powerLossAtTick: true }) },
    campaignSeeds: 200,
    explorable: false,
    exploreMaxDepth: 100_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'init-small',
    description: 'init and two services (filesystem, network) for 100 ms, at most one fault (crash, hang, slow start or I/O error): small enough to explore exhaustively',
    purpose: 'every interleaving of boot, READY, the first health pings, and one fault with what follows it',
    params: {
      ...BOOT_BASE,
      queueSize: 8,
      indexBits: 4,
      eventIdx: 'off',
      orders: 'timed',
      orderDelays: -1,
      latencyMicrosOptions: [2],
      faults: { ...NO_FAULTS, crash: 0.02, hang: 0.02, slowStart: 0.2, ioError: 0.02 },
      faultBudget: 1,
      swarm: false,
      fs: disk(1),
      proc: proc({ tickMicros: 1000, stepMicrosOptions: [20], slowStartMicros: 5000, services: { count: 2, healthPeriod: 30_000, startTimeout: 30_000, requestPeriod: 60_000 } }),
      maxTimeMicros: 100_000,
    },
    campaignSeeds: 200,
    explorable: true,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 5_000_000,
  },
  {
    name: 'init-crash2-small',
    description: 'init and two services (filesystem, network) for 100 ms, at most two crashes: both services can die before init runs again',
    purpose: 'two deaths init learns of together: both restarts, the intensity count over two failures, reaping both zombies in one pass',
    params: {
      ...BOOT_BASE,
      queueSize: 8,
      indexBits: 4,
      eventIdx: 'off',
      orders: 'timed',
      orderDelays: -1,
      latencyMicrosOptions: [2],
      faults: { ...NO_FAULTS, crash: 0.02 },
      faultBudget: 2,
      swarm: false,
      fs: disk(1),
      proc: proc({ tickMicros: 1000, stepMicrosOptions: [20], slowStartMicros: 0, services: { count: 2, healthPeriod: 30_000, startTimeout: 30_000, requestPeriod: 60_000 } }),
      maxTimeMicros: 100_000,
    },
    campaignSeeds: 200,
    explorable: true,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 5_000_000,
  },
  {
    name: 'init-hang-small',
    description: 'init and one service (filesystem) for 250 ms, at most one hang: long enough for the health timeout, the kill and the restart',
    purpose: 'a hung service found by its missed health pings, killed, reaped and started again after the backoff, in every interleaving',
    params: {
      ...BOOT_BASE,
      queueSize: 8,
      indexBits: 4,
      eventIdx: 'off',
      orders: 'timed',
      orderDelays: -1,
      latencyMicrosOptions: [2],
      faults: { ...NO_FAULTS, hang: 0.02 },
      faultBudget: 1,
      swarm: false,
      fs: disk(1),
      proc: proc({ tickMicros: 1000, stepMicrosOptions: [20], slowStartMicros: 0, services: { count: 1, healthPeriod: 30_000, startTimeout: 30_000, requestPeriod: 60_000 } }),
      maxTimeMicros: 250_000,
    },
    campaignSeeds: 200,
    explorable: true,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 5_000_000,
  },
];
