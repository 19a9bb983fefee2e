/**
 * The fuzzer's inputs and its judge, shared by the CI fuzz targets (cli-fuzz.test.ts) and the soak
 * (`npm run fuzz`, soak.ts). Inputs go to the command line's entry function in this process
 * (cli/main.ts `main(argv)`), with stdout and stderr captured: mutated replay files (JSON-level and
 * byte-level edits of real replay files), mutated disk images (fsck, and runs booting them), and
 * option values (every command, weird values for every option).
 *
 * The judge: exit code 0, 1, 2 or 130 only (never 3, the engine-error code); no MODEL-CRASH (a
 * crash of the model caused by input); no stack trace; an exit 2 is exactly one line on stderr;
 * nothing printed holds a raw control character.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { main } from '../../cli/main.js';
import { imageBase, mutateImage, type ImageBase, type ImageMutation } from '../helpers/mutated-images.js';
import type { Region } from '../model/fs/images.js';

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line in this process (argv without node and script); output captured. */
export async function callCli(args: readonly string[]): Promise<CliOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const w1 = process.stdout.write.bind(process.stdout);
  const w2 = process.stderr.write.bind(process.stderr);
  const capture = (into: string[]) => ((chunk: string | Uint8Array) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = capture(out);
  process.stderr.write = capture(err);
  process.exitCode = undefined;
  let code: number;
  try {
    code = await main(['node', 'eclipse-sim', ...args]);
  } finally {
    process.stdout.write = w1;
    process.stderr.write = w2;
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** What is wrong with an outcome, or null. */
export function judge(r: CliOutcome): string | null {
  if (![0, 1, 2, 130].includes(r.code)) return `exit ${r.code}: ${r.stderr.slice(0, 300)}`;
  if (/\n\s+at |internal error/.test(r.stderr)) return `stack trace or internal error: ${r.stderr.slice(0, 300)}`;
  if (r.stdout.includes('MODEL-CRASH') || r.stderr.includes('MODEL-CRASH')) return `MODEL-CRASH: ${(r.stdout + r.stderr).slice(0, 300)}`;
  if (r.code === 2 && !/^eclipse-sim: [^\n]*\n$/.test(r.stderr)) return `exit 2 without exactly one line: ${JSON.stringify(r.stderr.slice(0, 300))}`;
  if (RAW_CONTROL.test(r.stdout) || RAW_CONTROL.test(r.stderr)) return `raw control character in output: ${JSON.stringify((r.stdout + r.stderr).slice(0, 200))}`;
  return null;
}

type Rng = () => number;
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const int = (rng: Rng, n: number): number => Math.floor(rng() * n);

/** Values that sit where validation must hold: wrong types, edges, escapes, paths that climb out. */
const WEIRD_STRINGS = ['', ' ', '\u001b[2J', '\u009b31m', 'x'.repeat(5000), '../../../../etc/shadow', '/etc/passwd', '/dev/zero', '/dev/urandom', 'file:../x.img', 'file:/dev/zero', 'file:', '\ud800', '\u202e', 'reference', 'eclipse-b', 'S-VQ-07', 'MODEL-CRASH', '0', '-1', '1e309', 'NaN'];
const WEIRD_NUMBERS = [0, -1, 1, 2, 3, 1.5, -0.5, 255, 256, 65535, 2 ** 31, 2 ** 31 - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, 4096, 16];
const OPTION_VALUES = ['0', '1', '2', '3', '-1', '1.5', '1e3', '0x10', ' 5', '\uff15', '', '9007199254740991', '9007199254740992', '99999999999999999999', 'abc', '\u001b[31m', '../../etc/shadow', 'NaN', 'Infinity', '-0'];

function weirdJson(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 1 ? 4 : 7)) {
    case 0:
      return pick(rng, WEIRD_STRINGS);
    case 1:
      return pick(rng, WEIRD_NUMBERS);
    case 2:
      return pick(rng, [null, true, false]);
    case 3:
      return int(rng, 8);
    case 4:
      return Array.from({ length: int(rng, 4) }, () => weirdJson(rng, depth + 1));
    case 5:
      return Object.fromEntries(Array.from({ length: int(rng, 3) }, () => [pick(rng, WEIRD_STRINGS), weirdJson(rng, depth + 1)]));
    default:
      return [[int(rng, 3), int(rng, 5)]];
  }
}

/** Every path (keys and indexes) in a JSON value, arrays sampled. */
function paths(v: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  out.push(prefix);
  if (Array.isArray(v)) {
    const step = Math.max(1, Math.floor(v.length / 8));
    for (let i = 0; i < v.length; i += step) paths(v[i], [...prefix, i], out);
  } else if (v !== null && typeof v === 'object') {
    for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...prefix, k], out);
  }
  return out;
}

function mutateJson(doc: unknown, rng: Rng): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  for (let n = 1 + int(rng, 3); n > 0; n--) {
    const all = paths(copy).filter((p) => p.length > 0);
    const p = pick(rng, all);
    let parent: Record<string | number, unknown> = copy;
    for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const key = p[p.length - 1];
    switch (int(rng, 4)) {
      case 0:
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 1: {
        const v = parent[key];
        if (Array.isArray(v) && v.length > 0) parent[key] = [...v, ...v.slice(0, int(rng, v.length) + 1)];
        else parent[key] = weirdJson(rng);
        break;
      }
      default:
        parent[key] = weirdJson(rng);
    }
  }
  return copy;
}

function mutateBytes(text: Buffer, rng: Rng): Buffer {
  const b = Buffer.from(text);
  switch (int(rng, 4)) {
    case 0:
      return b.subarray(0, int(rng, b.length + 1));
    case 1:
      for (let n = 1 + int(rng, 8); n > 0; n--) b[int(rng, b.length)] = int(rng, 256);
      return b;
    case 2: {
      const at = int(rng, b.length + 1);
      const ins = Buffer.from(Array.from({ length: 1 + int(rng, 16) }, () => int(rng, 256)));
      return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    }
    default:
      return Buffer.concat([Buffer.from('\ufeff'), b]);
  }
}

/** A world of real files to start from: replay files (one with a user image), images, a tree. */
export interface FuzzWorld {
  dir: string;
  replays: Array<{ doc: unknown; text: Buffer }>;
  bases: ImageBase[];
  tree: string;
  serial: number;
}

export async function makeWorld(dir: string): Promise<FuzzWorld> {
  mkdirSync(dir, { recursive: true });
  const seedsOut = join(dir, 'seed-replays');
  const bases = [imageBase('small'), imageBase('sample')];
  // A user image: the replay file of a run booting it names a copy in its folder.
  writeFileSync(join(dir, 'user.img'), bases[0].image);
  const runs = [
    ['run', 'virtio-small', '--mutant', 'publish-before-fill', '--seeds', '3', '--workers', '1'],
    ['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seeds', '20', '--workers', '1', '--only', 'S-BLK-*'],
    ['run', 'fs-small', '--mutant', 'inode-off-by-one', '--image', join(dir, 'user.img'), '--seeds', '20', '--workers', '1'],
    ['run', 'init-small', '--profile', 'eclipse-b', '--seeds', '2', '--workers', '1', '--shrink-budget', '20'],
  ];
  for (const r of runs) await callCli([...r, '--out', seedsOut]);
  const replays = readdirSync(seedsOut)
    .filter((n) => n.endsWith('.replay.json'))
    .map((n) => {
      const text = readFileSync(join(seedsOut, n));
      return { doc: JSON.parse(text.toString('utf8')) as unknown, text };
    });
  if (replays.length < 3) throw new Error(`the fuzzer's seed runs wrote only ${replays.length} replay files`);
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'd'), { recursive: true });
  writeFileSync(join(tree, 'a'), 'hello');
  writeFileSync(join(tree, 'd', 'b'), 'x'.repeat(5000));
  return { dir, replays, bases, tree, serial: 0 };
}

function fileIn(world: FuzzWorld, bytes: Uint8Array, suffix: string, into = world.dir): string {
  const path = join(into, `in-${world.serial++ % 64}${suffix}`);
  writeFileSync(path, bytes);
  return path;
}

const REGIONS: Region[] = ['header', 'table', 'records', 'any'];

function imageMutations(rng: Rng): ImageMutation[] {
  return Array.from({ length: 1 + int(rng, 4) }, (): ImageMutation => {
    const k = int(rng, 10);
    if (k === 0) return { kind: 'truncate', blocks: int(rng, 1000) };
    if (k === 1) return { kind: 'extend', fill: int(rng, 256) };
    if (k < 5) return { kind: 'flip', region: pick(rng, REGIONS), at: int(rng, 1 << 20), bit: int(rng, 8) };
    if (k < 7) return { kind: 'byte', region: pick(rng, REGIONS), at: int(rng, 1 << 20), value: int(rng, 256) };
    return { kind: 'field', at: int(rng, 1 << 20), value: pick(rng, [0, 1, 2, 4095, 4096, 0xffff, 0x7fffffff, 0xffffffff, int(rng, 2 ** 32)]), width: pick(rng, [1, 2, 4, 4] as const) };
  });
}

const CHEAP_SCENARIOS = ['virtio-smoke', 'virtio-small', 'fs-small', 'proc-small', 'init-small'];
const OPTIONS = ['--seeds', '--seed', '--first-seed', '--profile', '--mutant', '--workers', '--json', '--out', '--shrink-budget', '--no-shrink', '--junit', '--only', '--image', '--max-depth', '--max-states', '--max-memory', '--seeds-scale', '--trace', '--last', '--check-determinism', '--unknown', '-x', '--'];
const FLAGS = new Set(['--json', '--no-shrink', '--trace', '--check-determinism', '--unknown', '-x', '--']);

export type InputKind = 'replay' | 'image' | 'options';

/** One input of `kind` from the PRNG seeded with `seed`: the argv to run. */
export function makeInput(world: FuzzWorld, kind: InputKind, seed: number): string[] {
  const rng = seedrandom(String(seed));
  const out = join(world.dir, 'out');
  if (kind === 'replay') {
    const base = pick(rng, world.replays);
    const r = int(rng, 10);
    const bytes = r < 6 ? Buffer.from(JSON.stringify(mutateJson(base.doc, rng))) : r < 9 ? mutateBytes(base.text, rng) : base.text;
    // Replay files live next to the seed replays' image copies half the time.
    const path = fileIn(world, bytes, '.replay.json', rng() < 0.5 ? join(world.dir, 'seed-replays') : world.dir);
    const args = ['replay', path];
    if (rng() < 0.3) args.push('--trace');
    if (rng() < 0.3) args.push('--json');
    if (rng() < 0.15) args.push('--last', pick(rng, OPTION_VALUES));
    if (rng() < 0.1) args.push('--image', rng() < 0.5 ? join(world.dir, 'user.img') : pick(rng, ['/dev/zero', world.dir, join(world.dir, 'nope.img')]));
    return args;
  }
  if (kind === 'image') {
    const img = mutateImage(pick(rng, world.bases), imageMutations(rng));
    const path = fileIn(world, img, '.img');
    const r = rng();
    if (r < 0.9) return rng() < 0.5 ? ['fsck', path] : ['fsck', path, '--json'];
    if (r < 0.97) return ['run', 'fs-small', '--image', path, '--seed', String(int(rng, 5)), '--json', '--out', out];
    return ['explore', 'fs-small', '--image', path, '--max-states', '200', '--out', out];
  }
  // Option values: every command, known and unknown options, weird values.
  const cmd = pick(rng, ['run', 'run', 'run', 'explore', 'replay', 'check', 'list', 'fsck', 'mkfs', 'frobnicate', '']);
  const args: string[] = [cmd];
  if (cmd === 'run' || cmd === 'explore') args.push(rng() < 0.8 ? pick(rng, CHEAP_SCENARIOS) : pick(rng, OPTION_VALUES));
  if (cmd === 'run') args.push('--seeds', String(1 + int(rng, 3)), '--workers', '1', '--out', out);
  if (cmd === 'explore') args.push('--max-states', '300', '--out', out);
  if (cmd === 'replay') args.push(pick(rng, [join(world.dir, 'nope.json'), world.dir, '/dev/zero', pick(rng, OPTION_VALUES)]));
  if (cmd === 'fsck') args.push(pick(rng, [join(world.dir, 'user.img'), '/dev/zero', world.dir, pick(rng, OPTION_VALUES)]));
  if (cmd === 'mkfs') args.push(rng() < 0.5 ? world.tree : pick(rng, OPTION_VALUES), join(world.dir, `mk-${int(rng, 4)}.img`));
  for (let n = int(rng, 4); n > 0; n--) {
    const o = pick(rng, OPTIONS);
    args.push(o);
    if (FLAGS.has(o)) continue;
    let v = pick(rng, OPTION_VALUES);
    // Values that would make a valid input expensive stay small (the fuzzer judges validation, not speed).
    if ((o === '--seeds' || o === '--max-states' || o === '--shrink-budget' || o === '--max-depth') && /^\d+$/.test(v) && Number(v) > 3) v = '3';
    if (o === '--workers' && /^\d+$/.test(v) && Number(v) > 1) v = '1';
    if ((o === '--out' || o === '--junit') && !v.includes('\u001b')) v = join(out, v.replace(/\.\./g, '_') || 'x');
    if (o === '--image' && rng() < 0.5) v = join(world.dir, 'user.img');
    args.push(v);
  }
  // The whole default campaign is minutes of work: check always gets one invalid option.
  if (cmd === 'check') args.push('--seeds-scale', pick(rng, ['0', '-1', 'abc', '1e309', '']));
  return args;
}
