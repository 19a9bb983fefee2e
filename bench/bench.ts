/**
 * `npm run bench`: speed and memory, side by side, in one run on one core. Prints figures; asserts
 * nothing (speed targets live here, never in tests).
 *
 *   bare engine      events/s of the engine with a no-op model (queue, ties, chooser, trace hash)
 *   model            events/s of virtio-stress with every check on, and seeds/s
 *   campaign memory  heap after 200 and after 2,000 seeds: flat means nothing leaks per seed
 *   explore          every *-small exploration and the clients=2 scope series: states, events
 *                    per state, states/s, bytes per stored state, peak memory
 *   fs reads         read calls/s through the kernel path, cache, driver and device (fs-read)
 */
import { performance } from 'node:perf_hooks';
import { Chooser } from '../sim/chooser.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import { Simulation, type EventHandler } from '../sim/simulation.js';
import { Campaign } from '../sim/campaign.js';
import { runOnce } from '../sim/run.js';
import { makeExplorer, makeSystem, resolveTarget, withSettings, type SearchMode } from '../scenarios/operations.js';
import { SCENARIOS } from '../scenarios/registry.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

interface Row {
  name: string;
  figure: string;
  target: string;
  memory: string;
}
const rows: Row[] = [];

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Bare engine: four actors, each rescheduling itself 1–3 µs later, so ties happen often. */
function bareEngine(): void {
  const pass = (events: number): number => {
    const chooser = new Chooser(new RandomStrategy(1));
    const sim = new Simulation(chooser);
    let remaining = events;
    const handler: EventHandler = {
      dispatch(kind: number, a: number): void {
        if (--remaining > 0) sim.after(1 + ((a + kind) % 3), kind, a + 1, 0);
      },
    };
    sim.handler = handler;
    sim.reset(chooser, 0);
    for (let k = 0; k < 4; k++) sim.after(1, k, k, 0);
    const t0 = performance.now();
    while (remaining > 0 && sim.step()) {
      // no-op model
    }
    return sim.steps / ((performance.now() - t0) / 1000);
  };
  pass(5_000_000); // warm-up: let the JIT settle before measuring
  const rate = pass(5_000_000);
  rows.push({ name: 'bare engine (no-op model)', figure: `${fmt(rate)} events/s`, target: '≥ 5,000,000', memory: mib(process.memoryUsage().heapUsed) });
}

function modelSpeed(): void {
  const t = resolveTarget('virtio-stress', 'reference', []);
  const campaign = new Campaign(makeSystem(t));
  campaign.runSeeds(1, 21); // warm up
  const c2 = new Campaign(makeSystem(t));
  const seeds = 500;
  const t0 = performance.now();
  c2.runSeeds(1, seeds + 1);
  const s = (performance.now() - t0) / 1000;
  rows.push({ name: 'virtio-stress, all checks on', figure: `${fmt(c2.steps / s)} events/s`, target: '≥ 300,000', memory: mib(process.memoryUsage().heapUsed) });
  rows.push({ name: 'virtio-stress seeds', figure: `${(seeds / s).toFixed(0)} seeds/s`, target: '', memory: '' });
}

function campaignMemory(): void {
  const t = resolveTarget('virtio-wrap', 'reference', []);
  const campaign = new Campaign(makeSystem(t));
  campaign.runSeeds(1, 201);
  gc();
  const after200 = process.memoryUsage().heapUsed;
  campaign.runSeeds(201, 2001);
  gc();
  const after2000 = process.memoryUsage().heapUsed;
  rows.push({
    name: 'campaign heap, 200 → 2,000 seeds',
    figure: `${mib(after200)} → ${mib(after2000)}`,
    target: 'flat',
    memory: `${after2000 - after200 >= 0 ? '+' : ''}${((after2000 - after200) / 1024).toFixed(0)} KiB`,
  });
}

/**
 * One exhaustive exploration to its end: distinct states, events executed per state, states/s,
 * bytes per stored state, peak memory (JS heap plus typed arrays: the store and the snapshots).
 */
function exploreRow(label: string, scenario: string, settings: string[], search: SearchMode): void {
  const t = withSettings(resolveTarget(scenario, 'reference', []), settings);
  gc();
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = used();
  let peak = before;
  const t0 = performance.now();
  const { explorer } = makeExplorer(t, { maxDepth: 20_000, maxStates: 100_000_000, maxMemoryBytes: 4096 * 1024 * 1024, stopAtFirstViolation: true }, search);
  while (!explorer.advance(500)) {
    const h = used();
    if (h > peak) peak = h;
  }
  const s = (performance.now() - t0) / 1000;
  const r = explorer.result;
  rows.push({
    name: `explore ${label}${settings.length ? ` ${settings.join(' ')}` : ''}: ${fmt(r.states)} states${r.complete ? '' : ' (incomplete)'}, ${r.search}, ${(r.executedSteps / r.states).toFixed(2)} events/state`,
    figure: `${fmt(r.states / s)} states/s`,
    target: '≤ 64 B/state',
    memory: `${(r.storeBytes / r.states).toFixed(1)} B/state, peak +${mib(peak - before)}, ${s.toFixed(1)} s`,
  });
}

/**
 * Every *-small exploration (auto search, and the other one beside it where auto is stateful),
 * then the two-in-flight scope series clients=2, requestsPerClient=k for k = 1, 2 (k = 3 with
 * BENCH_SCOPE_K3=1: 27.9 M states, about 20 minutes and 1.1 GB here, so not by default), then
 * orders=all on the two-client scope with one and two delays.
 */
function explorations(): void {
  for (const sc of SCENARIOS.filter((x) => x.explorable && x.name.endsWith('-small'))) {
    exploreRow(sc.name, sc.name, [], 'auto');
    if (rows[rows.length - 1].name.includes('stateful')) exploreRow(sc.name, sc.name, [], 'stateless');
  }
  const ks = process.env.BENCH_SCOPE_K3 === '1' ? [1, 2, 3] : [1, 2];
  for (const k of ks) exploreRow('virtio-small', 'virtio-small', ['clients=2', `requestsPerClient=${k}`], 'auto');
  // What every order of steps costs (orders=all) on the two-client scope, by delay bound; the whole
  // virtio-small with one delay (12 M states, about 2 minutes) only with BENCH_ORDERS_FULL=1.
  for (const d of [1, 2]) exploreRow('virtio-small', 'virtio-small', ['clients=2', 'orders=all', `orderDelays=${d}`], 'auto');
  if (process.env.BENCH_ORDERS_FULL === '1') exploreRow('virtio-small', 'virtio-small', ['orders=all', 'orderDelays=1'], 'auto');
}

/** File reads through the whole stack: kernel path, buffer cache, driver, virtqueue, device. */
function fsReads(): void {
  const t = resolveTarget('fs-read', 'reference', []);
  const system = makeSystem(t);
  let calls = 0;
  let bytes = 0;
  const seeds = 300;
  const t0 = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    runOnce(system, new RandomStrategy(seed));
    calls += system.machine.kfs!.readCalls;
    bytes += system.machine.kfs!.readBytes;
  }
  const s = (performance.now() - t0) / 1000;
  rows.push({ name: 'fs-read: file reads, full stack, all checks on', figure: `${fmt(calls / s)} reads/s`, target: '', memory: `${mib(bytes / s)}/s read` });
}

/** Processes: fork/exec-from-disk/exit/wait (fork-wait), program steps per second, all checks on. */
function procSteps(): void {
  const t = resolveTarget('fork-wait', 'reference', []);
  const system = makeSystem(t);
  let steps = 0;
  let events = 0;
  const seeds = 300;
  const t0 = performance.now();
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runOnce(system, new RandomStrategy(seed));
    steps += system.machine.procs!.programSteps;
    events += r.steps;
  }
  const s = (performance.now() - t0) / 1000;
  rows.push({ name: 'fork-wait: process steps (fork/exec/exit/wait), all checks on', figure: `${fmt(steps / s)} steps/s`, target: '', memory: `${fmt(events / s)} events/s` });
}

/** The whole machine: boot from disk, init and five services for 2.5 s of simulated time. */
function fullBoot(): void {
  const t = resolveTarget('boot', 'reference', []);
  const system = makeSystem(t);
  let events = 0;
  const seeds = 40;
  const t0 = performance.now();
  for (let seed = 1; seed <= seeds; seed++) events += runOnce(system, new RandomStrategy(seed)).steps;
  const s = (performance.now() - t0) / 1000;
  rows.push({ name: 'boot: full-boot seeds (init + 5 services, 2.5 s simulated), all checks on', figure: `${(seeds / s).toFixed(1)} seeds/s`, target: '', memory: `${fmt(events / s)} events/s` });
}

function print(): void {
  const head = ['benchmark', 'figure', 'aim', 'memory'];
  const all = [head, ...rows.map((r) => [r.name, r.figure, r.target, r.memory])];
  const w = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  for (const r of all) process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('   ')}\n`);
}

process.stdout.write(`eclipse-sim benchmarks (node ${process.version}, one core)\n\n`);
bareEngine();
modelSpeed();
campaignMemory();
explorations();
fsReads();
procSteps();
fullBoot();
print();
