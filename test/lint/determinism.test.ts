/**
 * Determinism hygiene (architecture.md "a run is a choice sequence", style.md "Determinism
 * hygiene"): the model, the engine and the checks draw every decision from the chooser and read
 * time only from the simulated clock. This lint reads the TypeScript sources (not dist/) and bans
 * the ways nondeterminism gets in, naming the replacement.
 */
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

const BANNED: ReadonlyArray<{ pattern: RegExp; use: string }> = [
  { pattern: /\bMath\.random\b/, use: 'chooser.choose / chooser.chance' },
  { pattern: /\bDate\.now\b/, use: 'the simulated clock (sim.now)' },
  { pattern: /\bnew\s+Date\b/, use: 'the simulated clock (sim.now)' },
  { pattern: /\bDate\s*\(/, use: 'the simulated clock (sim.now)' },
  { pattern: /\bperformance\.now\b/, use: 'the simulated clock (sim.now)' },
  { pattern: /\bprocess\.hrtime\b/, use: 'the simulated clock (sim.now)' },
  { pattern: /\bsetTimeout\b/, use: 'sim.after (a simulated event)' },
  { pattern: /\bsetInterval\b/, use: 'sim.after (a simulated event)' },
  { pattern: /\bsetImmediate\b/, use: 'sim.after (a simulated event)' },
  { pattern: /\bqueueMicrotask\b/, use: 'sim.after (a simulated event)' },
  { pattern: /\bcrypto\.(getRandomValues|randomUUID|randomBytes|randomInt)\b/, use: 'chooser.choose' },
  { pattern: /\b(randomBytes|randomUUID|randomInt|getRandomValues|randomFillSync|randomFill)\s*\(/, use: 'chooser.choose' },
  { pattern: /from\s+['"](node:)?crypto['"]|require\(\s*['"](node:)?crypto['"]\s*\)/, use: 'chooser.choose (and sim/hash.ts for hashing)' },
  { pattern: /from\s+['"](node:)?(timers|perf_hooks)(\/promises)?['"]/, use: 'the simulated clock and sim.after' },
];

const DIRS = ['model', 'sim', 'checks', 'scenarios'];

/**
 * Source with comments blanked out, so a doc comment may name what it forbids. Strings are kept
 * (import specifiers live there), so a string naming a banned call is flagged too: conservative.
 */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const d = src[i + 1];
    if (c === '/' && d === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && d === '*') {
      i += 2;
      while (i < src.length && !(src[i] === '*' && src[i + 1] === '/')) out += src[i++] === '\n' ? '\n' : '';
      i += 2;
    } else if (c === '"' || c === "'" || c === '`') {
      out += src[i++];
      while (i < src.length && src[i] !== c) {
        if (src[i] === '\\') out += src[i++];
        out += src[i++];
      }
      out += src[i++] ?? '';
    } else {
      out += src[i++];
    }
  }
  return out;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Every banned use in `src`, as "line: what (use instead)". */
function lint(src: string): string[] {
  const problems: string[] = [];
  stripComments(src)
    .split('\n')
    .forEach((line, i) => {
      for (const b of BANNED) if (b.pattern.test(line)) problems.push(`${i + 1}: ${line.trim()} (use ${b.use})`);
    });
  return problems;
}

test('lint: determinism: the lint catches each banned use and ignores comments', (t) => {
  for (const bad of [
    'const x = Math.random();',
    'const t0 = Date.now();',
    'const d = new Date();',
    'const p = performance.now();',
    'const h = process.hrtime.bigint();',
    'setTimeout(() => {}, 1);',
    'setInterval(f, 10);',
    'setImmediate(f);',
    "import { randomBytes } from 'node:crypto';",
    'const id = crypto.randomUUID();',
  ]) {
    t.is(lint(bad).length > 0, true, bad);
  }
  t.deepEqual(lint('// never Math.random here\n/* nor Date.now() */\nconst x = 1;'), []);
});

for (const dir of DIRS) {
  test(`lint: determinism: no wall clock, timers or unseeded randomness in ${dir}/`, (t) => {
    const files = tsFiles(join(REPO_ROOT, dir));
    t.true(files.length > 0, `found the sources of ${dir}/ from ${REPO_ROOT}`);
    const problems = files.flatMap((f) => lint(readFileSync(f, 'utf8')).map((p) => `${relative(REPO_ROOT, f)}:${p}`));
    t.deepEqual(problems, []);
  });
}

test('lint: determinism: only sim/strategy/random.ts imports the PRNG', (t) => {
  const importers = DIRS.flatMap((d) => tsFiles(join(REPO_ROOT, d)))
    .filter((f) => /from\s+['"]seedrandom['"]/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(REPO_ROOT, f).split('\\').join('/'));
  t.deepEqual(importers, ['sim/strategy/random.ts']);
});
