/**
 * `node dist/bench/parallel-explore.js [reps]` (after `npm run build`): states per second of
 * `explore --workers 1` against `--workers 2` (cli/explore-pool.ts) on virtio-small and on its
 * largest scope that completes in about a minute (two clients, two requests each: 2,380,833
 * states). Each figure is the command line's own (its JSON `statesPerSecond`: distinct states over
 * the wall-clock time from the search's start, worker start-up included), run as a child process;
 * the two worker counts alternate, `reps` times each (default 3), and the median is printed. The
 * last row is the machine's own ceiling for two searches at once: two independent one-worker
 * searches of the largest scope run side by side, their states per second added up, against one
 * alone (cores sharing caches, memory bandwidth and clock; on a VM, perhaps one physical core).
 * The load average before and after is printed too: on a shared machine the ratio means little
 * when other work holds a core.
 */
import { execFile, execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const reps = Math.max(1, Number(process.argv[2] ?? 3));
const cliPath = fileURLToPath(new URL('../cli/main.js', import.meta.url));

const SCOPES: Array<{ name: string; args: string[] }> = [
  { name: 'virtio-small', args: ['virtio-small'] },
  { name: 'virtio-small clients=2 requestsPerClient=2', args: ['virtio-small', '--set', 'clients=2', '--set', 'requestsPerClient=2'] },
];

interface Doc {
  states: number;
  complete: boolean;
  elapsedSeconds: number;
  statesPerSecond: number;
}

const exploreArgs = (args: string[], workers: number): string[] => [cliPath, 'explore', ...args, '--workers', String(workers), '--json', '--no-shrink', '--out', '/tmp/eclipse-sim-bench-parallel'];

function explore(args: string[], workers: number): Doc {
  return JSON.parse(execFileSync(process.execPath, exploreArgs(args, workers), { encoding: 'utf8', maxBuffer: 64 << 20 })) as Doc;
}

/** One one-worker search in a child process, not waited for. */
function exploreAsync(args: string[]): Promise<Doc> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, exploreArgs(args, 1), { encoding: 'utf8', maxBuffer: 64 << 20 }, (e, out) => (e ? reject(e) : resolve(JSON.parse(out) as Doc)));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const out = (s: string) => process.stdout.write(`${s}\n`);

out(`explore --workers 1 against 2: median of ${reps} alternating runs each; load average ${load()}`);
out(`${'scope'.padEnd(44)} ${'states'.padStart(10)} ${'1 worker'.padStart(14)} ${'2 workers'.padStart(14)} ${'ratio'.padStart(6)}`);
let lastOne = 0;
for (const scope of SCOPES) {
  const rate: Record<number, number[]> = { 1: [], 2: [] };
  let states = 0;
  for (let i = 0; i < reps; i++) {
    for (const w of i % 2 === 0 ? [1, 2] : [2, 1]) {
      const d = explore(scope.args, w);
      if (!d.complete) throw new Error(`${scope.name} with ${w} workers did not complete`);
      if (states !== 0 && d.states !== states) throw new Error(`${scope.name}: ${d.states} states with ${w} workers, ${states} before`);
      states = d.states;
      rate[w].push(d.statesPerSecond);
    }
  }
  const one = median(rate[1]);
  const two = median(rate[2]);
  lastOne = one;
  out(`${scope.name.padEnd(44)} ${fmt(states).padStart(10)} ${`${fmt(one)}/s`.padStart(14)} ${`${fmt(two)}/s`.padStart(14)} ${`${(two / one).toFixed(2)}×`.padStart(6)}`);
}
const largest = SCOPES[SCOPES.length - 1];
const pairs: number[] = [];
for (let i = 0; i < reps; i++) {
  const [a, b] = await Promise.all([exploreAsync(largest.args), exploreAsync(largest.args)]);
  pairs.push(a.statesPerSecond + b.statesPerSecond);
}
const pair = median(pairs);
out(`ceiling: two independent 1-worker searches of ${largest.name} side by side: ${fmt(pair)}/s together, ${(pair / lastOne).toFixed(2)}× one alone`);
out(`load average after: ${load()}`);
