import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parseReplay, replayToText, ReplayFileError, type ReplayFile } from '../scenarios/replay-file.js';
import { InputError, withImage, withSettings, type Finding, type Target } from '../scenarios/operations.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { imageHash } from '../scenarios/fs-images.js';
import { Hasher64 } from '../sim/hash.js';
import { escapeText } from '../reports/escape.js';
import { IMAGE_FILE_LIMIT, readInputFile, REPLAY_FILE_LIMIT } from './input-files.js';
import { writeFileAtomic } from './atomic-write.js';

/** Images read for --image in this process, by hash: replay files written here carry a copy. */
const loadedImages = new Map<string, Uint8Array>();

/** Where a replay file's image copy goes, relative to the replay file's folder. */
const IMAGES_FOLDER = 'images';

/** 8 hex digits naming a string (for file names). */
function shortHash(s: string): string {
  const h = new Hasher64();
  for (let i = 0; i < s.length; i++) h.int(s.charCodeAt(i));
  return h.hex().slice(0, 8);
}

/** The part of a replay file's name the --only filter adds: the ids themselves when short. */
function onlyPart(checks: readonly string[] | null | undefined): string {
  if (!checks || checks.length === 0) return '';
  const plain = checks.join('+').replace(/\*/g, 'x');
  return `-only-${/^[A-Za-z0-9+-]{1,40}$/.test(plain) ? plain : shortHash(checks.join(','))}`;
}

/**
 * Writes a finding's replay file under `dir`; returns its path. The name carries everything that
 * makes a finding distinct (scenario, profile, mutants, the --only filter, a user image's hash,
 * the check and the seed), so two campaigns sharing an --out folder do not overwrite each other's
 * files; if a file of that name exists with other contents anyway, the new one gets its content
 * hash in its name instead. A user image is copied next to it (`images/<hash>.img`) and named by
 * that relative path, so the folder replays on its own. Every file is written atomically.
 */
export function writeFinding(dir: string, scenario: string, mode: string, f: Finding): string {
  const origin = f.seed !== null ? `seed${f.seed}` : mode;
  const mutants = f.replay.mutants.length ? `-${f.replay.mutants.join('+')}` : '';
  const fs = f.replay.parameters.fs;
  let imagePart = '';
  let replay = f.replay;
  mkdirSync(dir, { recursive: true });
  if (fs && fs.image.startsWith('file:')) {
    imagePart = `-img${fs.imageHash.slice(0, 8)}`;
    const bytes = loadedImages.get(fs.imageHash);
    if (bytes) {
      const copy = join(dir, IMAGES_FOLDER, `${fs.imageHash}.img`);
      if (!existsSync(copy)) {
        mkdirSync(dirname(copy), { recursive: true });
        writeFileAtomic(copy, bytes);
      }
      replay = { ...replay, parameters: { ...replay.parameters, fs: { ...fs, image: `file:${IMAGES_FOLDER}/${fs.imageHash}.img` } } };
    }
  }
  // A finding replayed with its own check alone (a later violation of its run) needs no filter in
  // its name: the check is in the name already.
  const alone = replay.checks?.length === 1 && replay.checks[0] === f.check;
  const stem = `${scenario}-${replay.profile}${mutants}${alone ? '' : onlyPart(replay.checks)}${imagePart}-${f.check}-${origin}`;
  const text = replayToText(replay);
  let path = join(dir, `${stem}.replay.json`);
  if (existsSync(path) && readSame(path, text) === false) path = join(dir, `${stem}-${shortHash(text)}.replay.json`);
  writeFileAtomic(path, text);
  return path;
}

/** Whether the file at `path` holds exactly `text` (null: it cannot be read). */
function readSame(path: string, text: string): boolean | null {
  try {
    return readFileSync(path, 'utf8') === text;
  } catch {
    return null;
  }
}

/**
 * Applies --image, --set and --only to a target (reads the image file). The settings go after the
 * image, so that fs.* settings keep the image. `skipUnused`: see withSettings (check).
 */
export function applyTargetOptions(t: Target, o: { image?: string; only?: string; set?: readonly string[] }, skipUnused = false): Target {
  let out = t;
  if (o.image) {
    const bytes = new Uint8Array(readInputFile(o.image, 'image', IMAGE_FILE_LIMIT));
    out = withImage(out, bytes, resolve(o.image));
    loadedImages.set(imageHash(bytes), bytes);
  }
  if (o.set && o.set.length > 0) out = withSettings(out, o.set, skipUnused);
  if (o.only) {
    const checks = o.only.split(',').map((x) => x.trim()).filter(Boolean);
    for (const c of checks) {
      const known = ALL_CHECKS.some((k) => (c.endsWith('*') ? k.id.startsWith(c.slice(0, -1)) : k.id === c));
      if (!known) throw new InputError(`--only: no check matches "${escapeText(c, 64)}" (see eclipse-sim list)`);
    }
    out = { ...out, checks };
  }
  return out;
}

/** Is `path` inside (or equal to) the folder `dir`? Both resolved through symlinks. */
function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The user image a replay file names, checked against its recorded hash; undefined for built-ins.
 * The recorded path is relative to the replay file and must stay inside its folder (a replay file
 * that travelled must not make the tool read anything else); `explicit` (replay --image) names the
 * image instead, and is trusted because the user typed it.
 */
export function replayImage(doc: ReplayFile, replayPath: string, explicit?: string): Uint8Array | undefined {
  const fs = doc.parameters.fs;
  if (!fs || !fs.image.startsWith('file:')) {
    if (explicit) throw new InputError(`--image: the replay boots from the built-in image "${escapeText(fs?.image ?? 'none', 64)}", not a user's`);
    return undefined;
  }
  const recorded = fs.image.slice('file:'.length);
  let path: string;
  if (explicit) {
    path = explicit;
  } else {
    const folder = dirname(resolve(replayPath));
    const target = resolve(folder, recorded);
    let real: string;
    try {
      real = realpathSync(target);
    } catch (e) {
      throw new ReplayFileError(`the replay boots from image ${escapeText(recorded)}, which cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (isAbsolute(recorded) || !inside(realpathSync(folder), real)) {
      throw new ReplayFileError(`the replay names image ${escapeText(recorded)}, outside the replay file's folder: give the image with --image if you trust it`);
    }
    path = real;
  }
  const bytes = new Uint8Array(readInputFile(path, 'image', IMAGE_FILE_LIMIT, (m) => new ReplayFileError(`the replay boots from an image: ${m}`)));
  if (imageHash(bytes) !== fs.imageHash) throw new ReplayFileError(`the image ${escapeText(path)} is not the one the replay was written with (hash ${imageHash(bytes)}, recorded ${fs.imageHash})`);
  return bytes;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a replay file from disk (one-line errors). */
export function readReplayFile(path: string): ReplayFile {
  const bytes = readInputFile(path, 'replay file', REPLAY_FILE_LIMIT, (m) => new ReplayFileError(m));
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new ReplayFileError(`${escapeText(path)} is not a replay file: it is not UTF-8 text`);
  }
  return parseReplay(text, escapeText(path));
}
