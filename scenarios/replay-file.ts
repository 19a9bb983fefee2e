/**
 * The replay file: a small JSON document that reproduces one run exactly (architecture.md):
 * `{format, formatVersion, tool, version, scenario, profile, mutants, parameters, choices, labels,
 * violation, traceHash}`. Choices are `[labelIndex, value]` pairs into `labels`; choices past the
 * end of the list are 0 (the default), so shrunk files drop trailing zeros.
 *
 * Parsing validates the whole document (zod) and turns every defect into one clear line. File
 * access is cli/'s business; this module only turns text into a document and back.
 */
import { z } from 'zod';
import { labelName, type Label } from '../sim/labels.js';
import type { Violation } from '../sim/violation.js';
import { isProfile, PROFILES, type Profile } from '../model/profile.js';
import { mutantInfo } from '../model/mutants.js';
import type { MachineParams } from '../model/params.js';
import { applySettingValues, paramsSchema, ScopeError, type SettingValue } from './param-schema.js';
import { findScenario } from './registry.js';
import { TOOL_NAME, TOOL_VERSION } from '../sim/version.js';
export const REPLAY_FORMAT = 'eclipse-sim-replay';
export const REPLAY_FORMAT_VERSION = 1;

const settingValue = z.union([z.number(), z.boolean(), z.string().max(4096), z.array(z.union([z.number(), z.string().max(4096)])).max(4096)]);

/**
 * Bounds on a replay file's fields, so that no field's value makes the tool allocate or print
 * without limit (the file itself is at most 16 MiB, cli/input-files.ts).
 */
export const REPLAY_LIMITS = {
  /** Names: tool, version, scenario, profile, mutants, check ids, labels. */
  name: 64,
  message: 4096,
  path: 4096,
  mutants: 32,
  checks: 256,
  labels: 4096,
  choices: 2_500_000,
  /** Choice values and steps fit an int32. */
  value: 0x7fff_ffff,
} as const;

const name = z.string().max(REPLAY_LIMITS.name);
const small = z.number().int().nonnegative().max(REPLAY_LIMITS.value);

const replaySchema = z.object({
  format: z.literal(REPLAY_FORMAT),
  formatVersion: z.literal(REPLAY_FORMAT_VERSION),
  tool: name,
  version: name,
  scenario: name,
  profile: name,
  mutants: z.array(name).max(REPLAY_LIMITS.mutants),
  checks: z.array(name).max(REPLAY_LIMITS.checks).nullable().optional(),
  settings: z.record(z.string().max(REPLAY_LIMITS.name), settingValue).optional(),
  parameters: paramsSchema,
  knobs: z.record(z.string().max(REPLAY_LIMITS.name), z.number()).optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  labels: z.array(name).max(REPLAY_LIMITS.labels),
  choices: z.array(z.tuple([small, small])).max(REPLAY_LIMITS.choices),
  violation: z
    .object({ check: name, step: small, time: z.number().nonnegative().max(Number.MAX_SAFE_INTEGER), message: z.string().max(REPLAY_LIMITS.message) })
    .nullable(),
  traceHash: z.string().regex(/^[0-9a-f]{16}$/),
});

/** A replay file's contents, validated. */
export interface ReplayFile {
  format: typeof REPLAY_FORMAT;
  formatVersion: typeof REPLAY_FORMAT_VERSION;
  tool: string;
  version: string;
  scenario: string;
  profile: Profile;
  mutants: string[];
  /** The check filter the run used (`--only`), or null for all checks. */
  checks?: string[] | null;
  /**
   * The `--set` settings the run was made with (dotted keys, parsed values), absent when none:
   * `parameters` are the scenario's with these applied.
   */
  settings?: Record<string, SettingValue>;
  parameters: MachineParams;
  /**
   * The swarm knobs the run drew (scenarios/swarm-knobs.ts), by key, when the scenario has any:
   * the choices reproduce them; replay checks it got the same.
   */
  knobs?: Record<string, number>;
  /** The seed the failing run came from (before shrinking), or null. */
  seed: number | null;
  labels: string[];
  choices: Array<[number, number]>;
  violation: Violation | null;
  traceHash: string;
}

/** A replay file could not be used; the message is one line for the user. */
export class ReplayFileError extends Error {}

/** Builds the document for a run's choices. */
export function makeReplay(input: {
  scenario: string;
  profile: Profile;
  mutants: readonly string[];
  checks?: readonly string[] | null;
  settings?: Readonly<Record<string, SettingValue>> | null;
  parameters: MachineParams;
  knobs?: Readonly<Record<string, number>> | null;
  seed: number | null;
  choices: readonly number[];
  labels: readonly Label[];
  violation: Violation | null;
  traceHash: string;
}): ReplayFile {
  const names: string[] = [];
  const index = new Map<string, number>();
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < input.choices.length; i++) {
    const name = labelName(input.labels[i]);
    let k = index.get(name);
    if (k === undefined) {
      k = names.length;
      names.push(name);
      index.set(name, k);
    }
    pairs.push([k, input.choices[i]]);
  }
  return {
    format: REPLAY_FORMAT,
    formatVersion: REPLAY_FORMAT_VERSION,
    tool: TOOL_NAME,
    version: TOOL_VERSION,
    scenario: input.scenario,
    profile: input.profile,
    mutants: [...input.mutants],
    checks: input.checks ? [...input.checks] : null,
    ...(input.settings && Object.keys(input.settings).length > 0 ? { settings: { ...input.settings } } : {}),
    parameters: input.parameters,
    ...(input.knobs ? { knobs: { ...input.knobs } } : {}),
    seed: input.seed,
    labels: names,
    choices: pairs,
    violation: input.violation,
    traceHash: input.traceHash,
  };
}

/** The replay file's text (pretty enough to read, one choice pair per entry). */
export function replayToText(replay: ReplayFile): string {
  const { choices, ...rest } = replay;
  // Short arrays of numbers or strings on one line.
  const body = JSON.stringify(rest, null, 2).replace(/\[\n\s*((?:[-\d.]+|"[^"\n]*")(?:,\n\s*(?:[-\d.]+|"[^"\n]*"))*)\n\s*\]/g, (_m, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`);
  const pairs = choices.map((c) => `[${c[0]},${c[1]}]`).join(',');
  return `${body.slice(0, -2)},\n  "choices": [${pairs}]\n}\n`;
}

/** Parses and validates a replay file's text. Throws ReplayFileError with one clear line. */
export function parseReplay(text: string, source: string): ReplayFile {
  const path = source;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message.replace(/\s*\n\s*/g, ' ');
    const t = text.trimEnd();
    // V8 reports the position where parsing stopped; at the very end of the text, it ran out.
    const at = /at position (\d+)/.exec(msg);
    const truncated = (t.startsWith('{') || t.startsWith('[')) && (/end of JSON input|Unterminated string/.test(msg) || (at !== null && Number(at[1]) >= t.length));
    throw new ReplayFileError(`${path} is not a replay file: ${t.length === 0 ? 'it is empty' : truncated ? 'the JSON is truncated' : `not JSON (${msg})`}`);
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== REPLAY_FORMAT) {
    throw new ReplayFileError(`${path} is not a replay file: "format" must be "${REPLAY_FORMAT}"`);
  }
  const parsed = replaySchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the document';
    throw new ReplayFileError(`${path}: invalid replay file at ${where}: ${issue.message}`);
  }
  const r = parsed.data;
  if (!findScenario(r.scenario)) throw new ReplayFileError(`${path}: the replay is for scenario "${r.scenario}", which this build does not have`);
  if (!isProfile(r.profile)) throw new ReplayFileError(`${path}: unknown profile "${r.profile}" (known: ${PROFILES.join(', ')})`);
  for (const m of r.mutants) if (!mutantInfo(m)) throw new ReplayFileError(`${path}: unknown mutant "${m}"`);
  for (const [k] of r.choices) if (k >= r.labels.length) throw new ReplayFileError(`${path}: a choice names label ${k}, but the file has ${r.labels.length} labels`);
  const scenario = findScenario(r.scenario)!;
  // The parameters define the run; they must be the named scenario's (swarm aside, which
  // exploration turns off). Anything else is a file for another scenario or another version.
  // A user's image (`--image`) replaces the scenario's built-in one: its name and hash may differ.
  const imaged = r.parameters.fs?.image.startsWith('file:') ? { ...scenario.params, fs: scenario.params.fs && { ...scenario.params.fs, image: r.parameters.fs.image, imageHash: r.parameters.fs.imageHash } } : scenario.params;
  // Settings (`--set`) change the scenario's parameters as they did when the run was made.
  let own: MachineParams;
  try {
    own = r.settings ? applySettingValues(imaged, r.scenario, r.settings) : imaged;
  } catch (e) {
    if (e instanceof ScopeError) throw new ReplayFileError(`${path}: ${e.message}`);
    throw e;
  }
  const differing = Object.keys(own).filter(
    (k) => k !== 'swarm' && canonical((own as unknown as Record<string, unknown>)[k]) !== canonical((r.parameters as Record<string, unknown>)[k]),
  );
  if (differing.length > 0) {
    throw new ReplayFileError(`${path}: its parameters do not match scenario "${r.scenario}"${r.settings ? ' with its settings' : ''} (${differing.slice(0, 3).join(', ')}${differing.length > 3 ? ', …' : ''} differ): the file is for another scenario or another version of it`);
  }
  return r as ReplayFile;
}

/** JSON with object keys sorted, so that equal parameters compare equal whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}
