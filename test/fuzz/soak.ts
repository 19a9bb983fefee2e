/**
 * `npm run fuzz [inputs] [first-seed]`: the long soak. Runs ≥ 100,000 inputs (test/fuzz/inputs.ts:
 * mutated replay files, mutated images, option values) through the command line's entry function,
 * in a worker thread watched by this one: an input that takes longer than the hang limit is a
 * hang (reported with its seed; the worker is replaced and the soak goes on). Prints the counts of
 * exit codes, problems (exit 3, MODEL-CRASH, stack traces, malformed errors, raw control
 * characters) and hangs, and the peak memory of the process. Exit 1 if anything was found.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { callCli, judge, makeInput, makeWorld, type InputKind } from './inputs.js';

const HANG_MS = 60_000;

interface Task {
  from: number;
  to: number;
  dir: string;
}

type Message = { type: 'start'; seed: number } | { type: 'done'; seed: number; kind: InputKind; code: number; problem: string | null; argv: string[] } | { type: 'ready' };

function kindOf(seed: number): InputKind {
  const r = seed % 20;
  return r < 9 ? 'replay' : r < 14 ? 'image' : 'options';
}

async function workerMain(task: Task): Promise<void> {
  const world = await makeWorld(task.dir);
  parentPort!.postMessage({ type: 'ready' } satisfies Message);
  for (let seed = task.from; seed < task.to; seed++) {
    const kind = kindOf(seed);
    parentPort!.postMessage({ type: 'start', seed } satisfies Message);
    const argv = makeInput(world, kind, seed);
    let code: number;
    let problem: string | null;
    try {
      const r = await callCli(argv);
      code = r.code;
      problem = judge(r);
    } catch (e) {
      code = -1;
      problem = `threw out of main: ${e instanceof Error ? e.message : String(e)}`;
    }
    parentPort!.postMessage({ type: 'done', seed, kind, code, problem, argv: problem ? argv.map((a) => a.slice(0, 200)) : [] } satisfies Message);
  }
}

async function coordinator(): Promise<void> {
  const total = Number(process.argv[2] ?? 100_000);
  const first = Number(process.argv[3] ?? 1);
  const dir = join(tmpdir(), `eclipse-sim-fuzz-${process.pid}`);
  const codes = new Map<string, number>();
  const byKind = new Map<string, number>();
  const problems: string[] = [];
  let problemCount = 0;
  const hangs: number[] = [];
  let done = 0;
  let peakRss = 0;
  const started = Date.now();
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 250);
  let next = first;
  const end = first + total;
  while (next < end) {
    const from = next;
    const seedReached = await new Promise<number>((resolve) => {
      const w = new Worker(fileURLToPath(import.meta.url), { workerData: { from, to: end, dir } satisfies Task });
      let current = from - 1;
      let last = Date.now();
      let finished = false;
      const watch = setInterval(() => {
        if (Date.now() - last > HANG_MS) {
          hangs.push(current);
          finished = true;
          clearInterval(watch);
          void w.terminate();
          resolve(current + 1);
        }
      }, 1000);
      w.on('message', (m: Message) => {
        last = Date.now();
        if (m.type === 'start') current = m.seed;
        if (m.type !== 'done') return;
        done++;
        codes.set(String(m.code), (codes.get(String(m.code)) ?? 0) + 1);
        byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
        if (m.problem) {
          problemCount++;
          if (problems.length < 20) problems.push(`seed ${m.seed} (${m.kind}): ${m.problem}\n    argv: ${JSON.stringify(m.argv)}`);
        }
        if (done % 10_000 === 0) process.stderr.write(`  ${done.toLocaleString('en-US')} inputs, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
      });
      w.on('error', (e) => {
        problemCount++;
        problems.push(`worker error near seed ${current}: ${e.message}`);
      });
      w.on('exit', () => {
        clearInterval(watch);
        if (!finished) resolve(current + 1);
      });
    });
    next = Math.max(seedReached, next + 1);
  }
  clearInterval(sample);
  rmSync(dir, { recursive: true, force: true });
  const seconds = (Date.now() - started) / 1000;
  const maxRss = process.resourceUsage().maxRSS * 1024;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;
  const lines = [
    `eclipse-sim fuzz: ${done.toLocaleString('en-US')} inputs (seeds ${first}..${end - 1}) in ${seconds.toFixed(0)} s`,
    `  by kind:    ${[...byKind].map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`).join(', ')}`,
    `  exit codes: ${[...codes].sort().map(([c, n]) => `${c}: ${n.toLocaleString('en-US')}`).join(', ')}`,
    `  problems (exit 3, MODEL-CRASH, stack traces, malformed errors, raw control characters): ${problemCount}`,
    `  hangs (no answer within ${HANG_MS / 1000} s): ${hangs.length}${hangs.length ? ` (seeds ${hangs.join(', ')})` : ''}`,
    `  peak memory: ${mib(Math.max(peakRss, maxRss))} resident (whole process)`,
    ...problems.map((p) => `  ! ${p}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = problemCount > 0 || hangs.length > 0 ? 1 : 0;
}

if (isMainThread) void coordinator();
else void workerMain(workerData as Task);
