import type { Micros } from '../sim/clock.js';

/** Per-opportunity fault probabilities (random mode); in exhaustive mode any rate > 0 is a branch. */
export interface FaultRates {
  /** A completed request returns VIRTIO_BLK_S_IOERR. */
  ioError: number;
  /** A completed request returns VIRTIO_BLK_S_UNSUPP. */
  unsupported: number;
  /** A request takes `latencySpikeMicros` extra. */
  latencySpike: number;
  /** The used-buffer interrupt is delivered late (one of `irqDelayOptionsMicros`). */
  irqDelay: number;
  /** The interrupt is held for coalescing with the next one (or a moderation timer). */
  irqCoalesce: number;
  /** The interrupt is lost until the next edge. */
  irqLost: number;
  /** A spurious interrupt is delivered some time after a completion. */
  irqSpurious: number;
  /** The device fails (DEVICE_NEEDS_RESET + configuration interrupt) instead of completing. */
  deviceFailure: number;
  /**
   * Power is lost (file-system scenarios): the machine stops, writes in flight are lost or torn at
   * sector granularity, and it boots again from the same disk. Per file-system operation.
   */
  powerLoss: number;
  /** A user program crashes (SIGSEGV) at this step. Per program step (not init). */
  crash: number;
  /** fork or exec finds no free frame, as if the pool were exhausted. Per fork or exec. */
  frameShortage: number;
  /** A service hangs: alive, never answering again. Per service program step. */
  hang: number;
  /** A service starts slowly (`slowStartMicros` of CPU before its first step). Per service exec. */
  slowStart: number;
}

export const NO_FAULTS: FaultRates = {
  ioError: 0,
  unsupported: 0,
  latencySpike: 0,
  irqDelay: 0,
  irqCoalesce: 0,
  irqLost: 0,
  irqSpurious: 0,
  deviceFailure: 0,
  powerLoss: 0,
  crash: 0,
  frameShortage: 0,
  hang: 0,
  slowStart: 0,
};

/** Numbers a scenario gives its programs (compiled-in constants, as far as a program knows). */
export interface Workload {
  /** forktree: children per node and depth of the tree. */
  fanout: number;
  depth: number;
  /** orphans and zombie-storm: children per parent, and storm rounds. */
  children: number;
  rounds: number;
  /** Length of a compute burst, in CPU steps. */
  compute: number;
  /** eclipse-b services: iterations before exit(0) (kernel.md §6: 50). */
  serviceIterations: number;
  /**
   * eclipse-b services: fork a short-lived helper every this many iterations and collect it with
   * one `wait` (0: never, exactly as kernel.md §6 describes; see services.ts).
   */
  serviceHelperEvery: number;
}

/** Processes (kernel.md §4), for scenarios that boot init from the disk. */
export interface ProcParams {
  /** Timer interrupt period; the scheduler runs every 10th. */
  tickMicros: number;
  /** CPU time of one program action, one option chosen per step. */
  stepMicrosOptions: readonly number[];
  /** Physical frames in the pool (4096 bytes each). */
  frames: number;
  /** Numbers the programs are built with. */
  workload: Workload;
  /** L-PM-01/02/03: a zombie is reaped (a waiting parent returns) within this, after faults settle. */
  reapBoundMicros: number;
  /** reference IPC: messages a mailbox holds. */
  mailboxSize: number;
  /** CPU time a slow-start fault adds before a service's first step. */
  slowStartMicros: number;
  /** Power loss may strike at a timer tick (rate faults.powerLoss, up to fs.maxBoots boots). */
  powerLossAtTick: boolean;
  /** init and the services (kernel.md §6), for the boot scenarios. */
  services?: ServiceParams;
}

/** The service manager's numbers (kernel.md §6). Times in µs. */
export interface ServiceParams {
  /** reference: start timeout, health period, backoff base and cap, stable period, MaxR and MaxT. */
  startTimeout: number;
  healthPeriod: number;
  backoffBase: number;
  backoffCap: number;
  stablePeriod: number;
  maxRestarts: number;
  maxRestartWindow: number;
  /** eclipse-b init v0.2.0: yields after starting filesystem (1000), restart pass period (100,000). */
  initYields: number;
  restartEvery: number;
  /** Which services start (a prefix of filesystem, network, display, audio, input); 5 = all. */
  count: number;
  /** reference services: pause between their own requests to a dependency, and helper forks. */
  requestPeriod: number;
  /** L-SM bounds: slack beyond the design's own deadlines. */
  slackMicros: number;
}

/** The file system on the simulated disk (kernel.md §3), when a scenario has one. */
export interface FsParams {
  /** A built-in image (scenarios/fs-images.ts) by name, or "file:<path>" for a user's image. */
  image: string;
  /** 64-bit hash of the image bytes (16 hex digits), so a replay can tell it has the same image. */
  imageHash: string;
  /** reference buffer cache size, in 4096-byte blocks. */
  cacheBlocks: number;
  /** reference: how many times a failed block read is retried before the call fails with EIO. */
  readRetries: number;
  /** Kernel-side file system clients. */
  clients: number;
  /** File-system calls each client makes (per boot). */
  opsPerClient: number;
  /**
   * What the clients do: `read` files at random, also `write` in place (with power loss), or `scan`:
   * client 0 reads every file from start to end once, in path order (the others stay idle).
   */
  workload: 'read' | 'write' | 'scan';
  /** Bytes asked for per read call, one option chosen per call. */
  readChunkOptions: readonly number[];
  /** Bytes per write call, one option chosen per call. */
  writeChunkOptions: readonly number[];
  /** Most boots in one run (1 + power losses). */
  maxBoots: number;
  /** L-FS-01: a file-system call returns within this, after the last fault settled. */
  callBoundMicros: number;
}

/** Everything a VirtIO block scenario sets. Times are integer microseconds of simulated time. */
export interface MachineParams {
  /** Queue size N the driver asks for (reference) or the device offers (eclipse-b). Power of two. */
  queueSize: number;
  /** Index width W (kernel.md §2.2): 16 on hardware, 4 in small scenarios. */
  indexBits: number;
  /** EVENT_IDX negotiation (reference only): on, off, or chosen per run. */
  eventIdx: 'on' | 'off' | 'either';
  /**
   * Which orders of steps a run may take (README "What complete covers"). timed (default): events
   * fire in time order, ties chosen. all: any pending step may go next, a timeout only when its
   * deadline is the earliest pending time (EventQueue.pop); the clock never passes a pending
   * step's time. Only for models that do not read the clock for their own decisions (no processes).
   */
  orders: 'timed' | 'all';
  /** orders=all: at most this many steps taken before the earliest pending event per run (−1: no bound). */
  orderDelays: number;
  /** Blocks on the disk (4096 bytes each). */
  diskBlocks: number;

  /** Concurrent kernel-side block clients. */
  clients: number;
  /** Requests each client submits. */
  requestsPerClient: number;
  /** Blocks 0..readOnlyBlocks−1 are read by anyone and written by no one. */
  readOnlyBlocks: number;
  /** Each client owns this many blocks after the read-only ones: it alone reads and writes them. */
  blocksPerClient: number;
  /** Operation mix, one entry chosen uniformly per request. */
  opMix: ReadonlyArray<'in' | 'out' | 'flush'>;
  /** Pause between a client's requests, one option chosen per request. */
  thinkMicrosOptions: readonly Micros[];

  /** Device service latency, one option chosen per request. */
  latencyMicrosOptions: readonly Micros[];
  /** Extra latency of a latency-spike fault. */
  latencySpikeMicros: Micros;
  /** Delivery delay options of a delayed interrupt. */
  irqDelayMicrosOptions: readonly Micros[];
  /** A coalesced interrupt is delivered at the next edge or after this moderation time. */
  irqModerationMicros: Micros;
  /** When a spurious interrupt arrives after the completion that provoked it. */
  spuriousDelayMicrosOptions: readonly Micros[];

  /** reference: a request outstanding this long is polled for (fallback for lost interrupts). */
  pollTimeoutMicros: Micros;
  /** eclipse-b: spin-poll period and spin budget as time (1,000,000 iterations, kernel.md §2.4). */
  eclipseBPollIntervalMicros: Micros;
  eclipseBSpinTimeoutMicros: Micros;

  /** Fault probabilities and the most faults one run may take. */
  faults: FaultRates;
  faultBudget: number;
  /** Random mode: pick a random subset of fault kinds per seed (swarm testing, Groce et al. 2012). */
  swarm: boolean;

  /** Progress bounds (invariants.md: bounded response after the last fault settles). */
  fetchBoundMicros: Micros;
  consumeBoundMicros: Micros;
  requestBoundMicros: Micros;
  resetBoundMicros: Micros;

  /** The file system, for scenarios that boot from a disk image. */
  fs?: FsParams;
  /** Processes: init is loaded from /sbin/init on the image (needs `fs`). */
  proc?: ProcParams;

  /** Run bounds. */
  maxSteps: number;
  maxTimeMicros: Micros;
}
