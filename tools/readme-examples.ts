/**
 * The README's example outputs, regenerated from the build so they cannot go stale.
 *
 * A generated block in README.md is a fenced block right after a marker line:
 *
 *   <!-- generated -->            run by `npm run readme` and compared by the test
 *   <!-- generated slow -->       too long for the test suite: only `npm run readme -- --all` runs it
 *   <!-- generated setup: ARGS; ARGS -->   commands run first, their output not shown
 *
 * Inside the block, each line `$ npx eclipse-sim ARGS` is a command; the lines after it, up to the
 * next command, are its output, replaced by what the build prints (in a fresh temporary directory
 * per block, no colour, stdout then stderr). `--check` compares instead of writing, with timings
 * masked (wall-clock seconds, rates, the worker count, which depends on the cores), and exits 1 naming the first block that
 * differs: test/tools/readme-examples.test.ts runs it.
 *
 *   node dist/tools/readme-examples.js [--check] [--all] [README.md]
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const MARKER = /^<!-- generated( slow)?(?: setup: (.*?))? -->$/;
const PROMPT = '$ npx eclipse-sim ';
const FIXTURE_TREE = join('test', 'fixtures', 'tree');

/** Splits a command line as a shell would for these examples (spaces, single and double quotes). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      any = true;
    } else if (ch === ' ') {
      if (cur || any) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (cur || any) out.push(cur);
  return out;
}

/** What the build prints for `args` in `cwd` (exit code ignored: examples may show a failure). */
function run(args: string[], cwd: string): string {
  try {
    return execFileSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; status?: number };
    if (typeof x.status !== 'number') throw e;
    return (x.stdout ?? '') + (x.stderr ?? '');
  }
}

/** Masks what differs between runs of the same build: wall-clock times, rates, the worker count. */
export function normalise(text: string): string {
  return text
    .replace(/\d[\d,]*(\.\d+)? s\b/g, 'T s')
    .replace(/\d[\d,]*(\.\d+)? (events|states|runs)\/s/g, 'R $2/s')
    .replace(/"(elapsedSeconds|statesPerSecond)": [\d.]+/g, '"$1": T')
    .replace(/, \d+ workers/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/ +$/gm, '');
}

export interface Block {
  /** Index of the fence's first content line. */
  start: number;
  /** Index of the closing fence. */
  end: number;
  slow: boolean;
  setup: string[][];
  commands: string[][];
}

export function findBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]);
    if (!m) continue;
    if (!lines[i + 1]?.startsWith('```')) throw new Error(`README line ${i + 1}: a generated marker must be followed by a fenced block`);
    let end = i + 2;
    while (end < lines.length && !lines[end].startsWith('```')) end++;
    const commands = lines.slice(i + 2, end).filter((l) => l.startsWith(PROMPT)).map((l) => splitArgs(l.slice(PROMPT.length)));
    if (commands.length === 0) throw new Error(`README line ${i + 1}: a generated block needs a "${PROMPT}…" line`);
    blocks.push({ start: i + 2, end, slow: Boolean(m[1]), setup: m[2] ? m[2].split(';').map((s) => splitArgs(s.trim())) : [], commands });
    i = end;
  }
  return blocks;
}

/** The block's new content: each command line followed by what it prints. */
export function renderBlock(b: Block): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'eclipse-sim-readme-'));
  try {
    // Examples may read the fixture tree (mkfs of a directory tree), at its path in the repository.
    cpSync(join(ROOT, FIXTURE_TREE), join(dir, FIXTURE_TREE), { recursive: true });
    for (const args of b.setup) run(args, dir);
    const out: string[] = [];
    for (const args of b.commands) {
      out.push(PROMPT + args.map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : `'${a}'`)).join(' '));
      const text = run(args, dir).replace(/\n$/, '');
      if (text) out.push(...text.split('\n'));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): number {
  const argv = process.argv.slice(2);
  const check = argv.includes('--check');
  const all = argv.includes('--all');
  const file = resolve(argv.find((a) => !a.startsWith('--')) ?? join(ROOT, 'README.md'));
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks = findBlocks(lines);
  let stale = 0;
  // From the last block up, so earlier indices stay valid while splicing.
  for (const b of [...blocks].reverse()) {
    if (b.slow && !all) continue;
    const fresh = renderBlock(b);
    const old = lines.slice(b.start, b.end);
    if (check) {
      if (normalise(old.join('\n')) !== normalise(fresh.join('\n'))) {
        stale++;
        process.stderr.write(`README.md line ${b.start}: the example "${old[0]}" is stale. The build prints:\n${fresh.join('\n')}\n\n`);
      }
    } else lines.splice(b.start, b.end - b.start, ...fresh);
  }
  if (check) {
    if (stale) process.stderr.write(`${stale} stale README example${stale === 1 ? '' : 's'}: run \`npm run readme\` (add -- --all for the slow ones)\n`);
    else process.stdout.write(`README examples match the build (${blocks.filter((b) => all || !b.slow).length} blocks checked${all ? '' : `, ${blocks.filter((b) => b.slow).length} slow ones not run`})\n`);
    return stale ? 1 : 0;
  }
  writeFileSync(file, lines.join('\n'));
  process.stdout.write(`regenerated ${blocks.filter((b) => all || !b.slow).length} README example blocks in ${file}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
