import { NO_FAULTS, type FsParams, type ProcParams, type MachineParams, type Workload } from '../model/params.js';
import { builtInImage, imageHash } from './fs-images.js';
import type { SwarmKnob } from './swarm-knobs.js';
import type { Scenario } from './scenario.js';
import { FS_BASE } from './fs.js';

/**
 * The disk a process or whole-system scenario boots from: a built-in image, no file-system workload
 * clients (the processes are the file system's users).
 */
export function bootDisk(image: string, p: { cacheBlocks?: number; maxBoots?: number } = {}): FsParams {
  return {
    image,
    imageHash: imageHash(builtInImage(image)!),
    cacheBlocks: p.cacheBlocks ?? 12,
    readRetries: 3,
    clients: 0,
    opsPerClient: 0,
    workload: 'read',
    readChunkOptions: [4096],
    writeChunkOptions: [100],
    maxBoots: p.maxBoots ?? 1,
    callBoundMicros: 50_000,
  };
}

const WORKLOAD: Workload = { fanout: 2, depth: 2, children: 4, rounds: 1, compute: 5, serviceIterations: 50, serviceHelperEvery: 0 };

function proc(p: Partial<Omit<ProcParams, 'workload'>> & { workload: Partial<Workload> }): ProcParams {
  return { tickMicros: 100, stepMicrosOptions: [5, 10, 20], frames: 400, reapBoundMicros: 30_000, mailboxSize: 16, slowStartMicros: 0, powerLossAtTick: false, ...p, workload: { ...WORKLOAD, ...p.workload } };
}

const PROC_BASE: MachineParams = { ...FS_BASE, maxSteps: 300_000, maxTimeMicros: 200_000 };

/** Faults a process scenario takes: crashes, frame shortage, and the disk's own faults under exec. */
const PROC_FAULTS = { ...NO_FAULTS, crash: 0.004, frameShortage: 0.05, ioError: 0.01, irqLost: 0.01, irqSpurious: 0.01, latencySpike: 0.01 };

/** Kill rates a seed may draw: the scenarios' own crash rate first, then none and half of it. */
const KILL_RATES: SwarmKnob = { key: 'faults.crash', values: [PROC_FAULTS.crash, 0, PROC_FAULTS.crash / 2] };

export const PROC_SCENARIOS: Scenario[] = [
  {
    name: 'fork-wait',
    description: 'init runs a fork tree (fanout 2, depth 2) whose leaves exec /bin/worker from the disk, and two execs that must fail; crashes and frame shortage',
    purpose: 'fork, exec from an ELF file on disk, exit, wait and reaping, fd inheritance, exec atomicity, under crashes at any step and I/O errors',
    params: { ...PROC_BASE, faults: PROC_FAULTS, faultBudget: 6, swarm: true, fs: bootDisk('proc-forks'), proc: proc({ workload: {} }) },
    swarmKnobs: [{ key: 'proc.workload.fanout', values: [2, 3] }, KILL_RATES],
    campaignSeeds: 500,
    explorable: false,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'orphans',
    description: 'two parents each fork four children and exit before them; init inherits and reaps the orphans',
    purpose: 'reparenting to init in the same step, SIGCHLD, init as the reaper of inherited children',
    params: { ...PROC_BASE, faults: PROC_FAULTS, faultBudget: 6, swarm: true, fs: bootDisk('proc-orphans'), proc: proc({ workload: { children: 4, compute: 40 } }) },
    swarmKnobs: [{ key: 'proc.workload.children', values: [4, 2, 6] }, KILL_RATES],
    campaignSeeds: 500,
    explorable: false,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'zombie-storm',
    description: 'a parent forks 20 children that exit at once, then reaps them; four rounds',
    purpose: 'many zombies at once: reaping exactly once, slot reuse, the 64-slot table (S-PM-13)',
    params: { ...PROC_BASE, faults: { ...PROC_FAULTS, frameShortage: 0.01 }, faultBudget: 4, swarm: true, fs: bootDisk('proc-storm'), proc: proc({ workload: { children: 20, rounds: 4, compute: 30 } }) },
    swarmKnobs: [{ key: 'proc.workload.children', values: [20, 5, 10, 62] }, KILL_RATES],
    campaignSeeds: 300,
    explorable: false,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'lineage',
    description: 'three generations: a middle process exits with zombie children while its parent lives on past the reap bound; kills of children blocked in wait, receive and a file-system call',
    purpose: 'init woken when it inherits zombies (not only when its own child dies), kill × the target’s blocked state, a kill that waits for a file-system call to return',
    params: { ...PROC_BASE, maxTimeMicros: 400_000, faults: { ...PROC_FAULTS, crash: 0.002 }, faultBudget: 3, swarm: true, fs: bootDisk('proc-lineage', { cacheBlocks: 3 }), proc: proc({ workload: { children: 3 } }) },
    swarmKnobs: [{ key: 'proc.workload.children', values: [3, 1, 2, 5] }, { key: 'faults.crash', values: [0.002, 0, 0.006] }],
    campaignSeeds: 200,
    explorable: false,
    exploreMaxDepth: 50_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'proc-small',
    description: 'init runs /bin/pair (fork, the child exits 3, the parent waits), with at most one crash or frame shortage: small enough to explore exhaustively',
    purpose: 'every interleaving of boot from disk, fork, exit, wait and the timer',
    params: {
      ...PROC_BASE,
      queueSize: 8,
      indexBits: 4,
      eventIdx: 'off',
      orders: 'timed',
      orderDelays: -1,
      latencyMicrosOptions: [2],
      faults: { ...NO_FAULTS, crash: 0.05, frameShortage: 0.1 },
      faultBudget: 1,
      swarm: false,
      fs: bootDisk('proc-small'),
      proc: proc({ tickMicros: 50, stepMicrosOptions: [10, 20], workload: {} }),
    },
    campaignSeeds: 300,
    explorable: true,
    exploreMaxDepth: 20_000,
    exploreMaxStates: 5_000_000,
  },
];
