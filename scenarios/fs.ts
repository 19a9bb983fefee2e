import { NO_FAULTS, type FsParams, type MachineParams } from '../model/params.js';
import { builtInImage, imageHash } from './fs-images.js';
import type { Scenario } from './scenario.js';
import { VIRTIO_BASE_PARAMS } from './virtio.js';

function fsParams(image: string, p: Omit<FsParams, 'image' | 'imageHash'>): FsParams {
  return { image, imageHash: imageHash(builtInImage(image)!), ...p };
}

/** A machine that boots from a disk image: the block layer as the file-system scenarios use it. */
export const FS_BASE: MachineParams = {
  ...VIRTIO_BASE_PARAMS,
  queueSize: 16,
  clients: 1,
  requestsPerClient: 0,
  latencyMicrosOptions: [2, 5, 10, 20],
  requestBoundMicros: 5000,
  maxSteps: 400_000,
  maxTimeMicros: 20_000_000,
};

export const FS_SCENARIOS: Scenario[] = [
  {
    name: 'fs-read',
    description: 'four clients open, read, seek and close files of the sample image; every VirtIO fault',
    purpose: 'the kernel read path (mount, lookup, open/read/lseek/close) and the buffer cache under I/O errors, interrupt faults and device failure',
    params: {
      ...FS_BASE,
      // 8 descriptors: two requests in flight for four clients, so requests wait for descriptors.
      queueSize: 8,
      faults: { ...NO_FAULTS, ioError: 0.03, unsupported: 0.01, latencySpike: 0.01, irqDelay: 0.03, irqCoalesce: 0.03, irqLost: 0.02, irqSpurious: 0.03, deviceFailure: 0.003 },
      faultBudget: 10,
      swarm: true,
      fs: fsParams('sample', {
        cacheBlocks: 12,
        // One retry: two errors in a row on one block exhaust it (the EIO path), which 3 retries almost never reach.
        readRetries: 1,
        clients: 4,
        opsPerClient: 25,
        workload: 'read',
        readChunkOptions: [100, 1000, 4096],
        writeChunkOptions: [100],
        maxBoots: 1,
        callBoundMicros: 20_000,
      }),
    },
    swarmKnobs: [{ key: 'fs.clients', values: [4, 1, 2, 3] }, { key: 'fs.opsPerClient', values: [25, 5, 10] }],
    campaignSeeds: 1000,
    explorable: false,
    exploreMaxDepth: 20_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'fs-write-crash',
    description: 'in-place writes and read-backs of /data files, interleaved with power loss and reboot from the same disk',
    purpose: 'write-through of whole blocks, torn writes at sector granularity, remount after power loss (S-FS-05)',
    params: {
      ...FS_BASE,
      // 8 descriptors, as fs-read: writers wait for descriptors, and a power loss can strike while they do.
      queueSize: 8,
      faults: { ...NO_FAULTS, ioError: 0.02, irqLost: 0.01, irqSpurious: 0.02, powerLoss: 0.03 },
      faultBudget: 6,
      swarm: true,
      fs: fsParams('sample', {
        cacheBlocks: 12,
        readRetries: 3,
        clients: 4,
        opsPerClient: 25,
        workload: 'write',
        readChunkOptions: [100, 4096],
        writeChunkOptions: [50, 3000, 9000],
        maxBoots: 3,
        callBoundMicros: 20_000,
      }),
    },
    swarmKnobs: [{ key: 'fs.clients', values: [4, 1, 2] }, { key: 'fs.opsPerClient', values: [25, 10] }],
    campaignSeeds: 1000,
    explorable: false,
    exploreMaxDepth: 20_000,
    exploreMaxStates: 1_000_000,
  },
  {
    name: 'fs-small',
    description: 'two clients, four calls each, on a two-block image, at most one fault: small enough to explore exhaustively',
    purpose: 'every interleaving of two clients’ lookups and reads through one cache',
    params: {
      ...FS_BASE,
      queueSize: 8,
      indexBits: 4,
      eventIdx: 'off',
      orders: 'timed',
      orderDelays: -1,
      latencyMicrosOptions: [2, 6],
      faults: { ...NO_FAULTS, ioError: 0.1, irqLost: 0.1, irqSpurious: 0.1 },
      faultBudget: 1,
      swarm: false,
      fs: fsParams('small', {
        cacheBlocks: 5,
        readRetries: 1,
        clients: 2,
        opsPerClient: 4,
        workload: 'read',
        readChunkOptions: [4096],
        writeChunkOptions: [100],
        maxBoots: 1,
        callBoundMicros: 20_000,
      }),
    },
    campaignSeeds: 500,
    explorable: true,
    exploreMaxDepth: 5000,
    exploreMaxStates: 5_000_000,
  },
];
