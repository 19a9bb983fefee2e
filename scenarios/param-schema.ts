/**
 * Every scenario parameter (model/params.ts `MachineParams`) declared once: its type, its range and
 * what it needs, as a zod schema. Replay files validate their `parameters` with it, `--set` parses
 * and checks its values against it, and `list --json` shows it. Rules that tie several parameters
 * together (the ring geometry, block ownership) are in `crossRules` below, in the same schema.
 *
 * `meta({ needs })` marks a parameter that only means something in some scenarios: `block` (the
 * block workload, which does not run when the machine boots from a disk image), `fs` (a file
 * system), `proc` (processes), `services` (init's services). `--set` refuses a parameter the
 * scenario does not use, rather than accept a value that changes nothing.
 */
import { z } from 'zod';
import { validGeometry } from '../model/virtio/index-math.js';
import type { MachineParams } from '../model/params.js';

/** What a parameter needs to have an effect (see the file comment). */
export type ParamNeed = 'block' | 'fs' | 'proc' | 'services';

const int = () => z.number().int();
const count = () => int().nonnegative();
/** A duration in µs that may be 0. */
const micros = () => int().nonnegative();
/** A delay in µs after which an event is scheduled: at least 1 (every step takes time). */
const delay = () => int().min(1);
const rate = () => z.number().min(0).max(1);
const options = () => z.array(delay()).min(1);
const needs = (n: ParamNeed, description: string) => ({ needs: n, description });

const faultsSchema = z.strictObject({
  ioError: rate().meta({ description: 'a completed request returns VIRTIO_BLK_S_IOERR' }),
  unsupported: rate().meta({ description: 'a completed request returns VIRTIO_BLK_S_UNSUPP' }),
  latencySpike: rate().meta({ description: 'a request takes latencySpikeMicros extra' }),
  irqDelay: rate().meta({ description: 'the used-buffer interrupt is delivered late (one of irqDelayMicrosOptions)' }),
  irqCoalesce: rate().meta({ description: 'the interrupt is held for coalescing with the next one (or the moderation timer)' }),
  irqLost: rate().meta({ description: 'the interrupt is lost until the next edge' }),
  irqSpurious: rate().meta({ description: 'a spurious interrupt follows a completion' }),
  deviceFailure: rate().meta({ description: 'the device fails (DEVICE_NEEDS_RESET) instead of completing' }),
  powerLoss: rate().meta(needs('fs', 'power is lost, per file-system operation (and per tick with proc.powerLossAtTick)')),
  crash: rate().meta(needs('proc', 'a user program crashes (SIGSEGV), per program step')),
  frameShortage: rate().meta(needs('proc', 'fork or exec finds no free frame, per fork or exec')),
  hang: rate().meta(needs('services', 'a service hangs, per service step')),
  slowStart: rate().meta(needs('services', 'a service starts slowly (proc.slowStartMicros), per service exec')),
});

const fsSchema = z.strictObject({
  image: z.string().min(1).max(4096).meta({ description: 'the built-in image, or file:<path> (chosen with --image, not --set)' }),
  imageHash: z.string().regex(/^[0-9a-f]{16}$/).meta({ description: 'hash of the image bytes (follows from the image)' }),
  cacheBlocks: int().min(2).max(4096).meta({ description: 'reference buffer cache size, 4096-byte blocks' }),
  readRetries: int().min(0).max(100).meta({ description: 'retries of a failed block read before EIO' }),
  clients: int().min(0).max(31).meta({ description: 'kernel-side file-system clients' }),
  opsPerClient: count().meta({ description: 'file-system calls each client makes per boot' }),
  workload: z.enum(['read', 'write', 'scan']).meta({ description: 'what the clients do' }),
  readChunkOptions: z.array(int().min(1)).min(1).meta({ description: 'bytes per read call, one option chosen per call' }),
  writeChunkOptions: z.array(int().min(1)).min(1).meta({ description: 'bytes per write call, one option chosen per call' }),
  maxBoots: int().min(1).max(100).meta({ description: 'most boots in one run (1 + power losses)' }),
  callBoundMicros: micros().meta({ description: 'L-FS-01: a call returns within this after the last fault settled' }),
});

const servicesSchema = z.strictObject({
  startTimeout: delay().meta({ description: 'reference: a service not READY within this is restarted' }),
  healthPeriod: delay().meta({ description: 'reference: health ping period' }),
  backoffBase: delay().meta({ description: 'reference: restart backoff, first delay' }),
  backoffCap: delay().meta({ description: 'reference: restart backoff, largest delay' }),
  stablePeriod: delay().meta({ description: 'reference: running this long resets the backoff' }),
  maxRestarts: count().meta({ description: 'reference: MaxR restarts …' }),
  maxRestartWindow: delay().meta({ description: 'reference: … within MaxT' }),
  initYields: count().meta({ description: 'eclipse-b init: yields after starting filesystem' }),
  restartEvery: int().min(1).meta({ description: 'eclipse-b init: restart pass period' }),
  count: int().min(1).max(5).meta({ description: 'which services start: a prefix of filesystem, network, display, audio, input' }),
  requestPeriod: delay().meta({ description: 'reference services: pause between their requests to a dependency' }),
  slackMicros: micros().meta({ description: 'L-SM bounds: slack beyond the design’s deadlines' }),
});

const procSchema = z.strictObject({
  tickMicros: delay().meta({ description: 'timer interrupt period; the scheduler runs every 10th' }),
  stepMicrosOptions: options().meta({ description: 'CPU time of one program action, one option chosen per step' }),
  frames: int().min(8).max(4096).meta({ description: 'physical frames in the pool (4096 bytes each)' }),
  workload: z.strictObject({
    fanout: count().meta({ description: 'forktree: children per node' }),
    depth: count().meta({ description: 'forktree: depth of the tree' }),
    children: count().meta({ description: 'orphans, zombie-storm: children per parent' }),
    rounds: count().meta({ description: 'zombie-storm: rounds' }),
    compute: count().meta({ description: 'length of a compute burst, CPU steps' }),
    serviceIterations: count().meta({ description: 'eclipse-b services: iterations before exit(0)' }),
    // Absent in replay files written before it existed: those runs had no helpers.
    serviceHelperEvery: count().default(0).meta({ description: 'eclipse-b services: fork a helper every this many iterations (0: never)' }),
  }),
  reapBoundMicros: micros().meta({ description: 'L-PM-01/02/03: a zombie is reaped within this after faults settle' }),
  mailboxSize: int().min(1).max(1024).meta({ description: 'reference IPC: messages a mailbox holds' }),
  slowStartMicros: micros().meta({ description: 'CPU time a slow-start fault adds before a service’s first step' }),
  powerLossAtTick: z.boolean().meta({ description: 'power loss may strike at a timer tick (rate faults.powerLoss)' }),
  services: servicesSchema.optional(),
});

/** Cross-parameter rules: each names the parameter that breaks it and what is allowed. */
function crossRules(p: z.infer<typeof fieldsSchema>, ctx: z.core.$RefinementCtx): void {
  if (!validGeometry(p.queueSize, p.indexBits)) {
    const most = 2 ** Math.min(15, Math.max(0, p.indexBits - 1));
    ctx.addIssue({ code: 'custom', path: ['queueSize'], params: { keys: ['queueSize', 'indexBits'] }, message: `queueSize must be a power of two ≤ 2^(indexBits−1) = ${most} with indexBits ${p.indexBits} (N ≤ 2^(W−1)), not ${p.queueSize}` });
  }
  if (!p.fs && p.readOnlyBlocks + p.clients * p.blocksPerClient > p.diskBlocks) {
    ctx.addIssue({
      code: 'custom',
      path: ['diskBlocks'],
      params: { keys: ['readOnlyBlocks', 'clients', 'blocksPerClient', 'diskBlocks'] },
      message: `the disk is too small: readOnlyBlocks + clients × blocksPerClient = ${p.readOnlyBlocks} + ${p.clients} × ${p.blocksPerClient} = ${p.readOnlyBlocks + p.clients * p.blocksPerClient} blocks, but diskBlocks is ${p.diskBlocks} (set diskBlocks too)`,
    });
  }
  if (p.orderDelays >= 0 && p.orders !== 'all') ctx.addIssue({ code: 'custom', path: ['orderDelays'], params: { keys: ['orderDelays', 'orders'] }, message: 'orderDelays bounds orders=all: set orders=all too' });
  if (p.orders === 'all' && p.proc) ctx.addIssue({ code: 'custom', path: ['orders'], params: { keys: ['orders'] }, message: 'orders=all needs a model that does not read the clock: this scenario runs processes (their scheduler tick and uptime read it)' });
  const s = p.proc?.services;
  if (s && s.backoffBase > s.backoffCap) ctx.addIssue({ code: 'custom', path: ['proc', 'services', 'backoffBase'], params: { keys: ['proc.services.backoffBase', 'proc.services.backoffCap'] }, message: `proc.services.backoffBase (${s.backoffBase}) must be ≤ proc.services.backoffCap (${s.backoffCap})` });
}

const fieldsSchema = z.strictObject({
  // At least 4: a read or write takes a chain of three descriptors, so a smaller ring never fits one.
  queueSize: int().min(4).max(32768).meta({ description: 'queue size N the driver asks for (reference) or the device offers (eclipse-b); a power of two ≤ 2^(indexBits−1), at least 4 (a request is three descriptors)' }),
  indexBits: int().min(1).max(16).meta({ description: 'ring index width W: 16 on hardware, 4 in small scenarios' }),
  eventIdx: z.enum(['on', 'off', 'either']).meta({ description: 'EVENT_IDX negotiation (reference only): on, off, or chosen per run' }),
  orderDelays: int().min(-1).max(1000).meta({ description: 'orders=all: most steps a run takes before the earliest pending event (delay-bounded scheduling); −1: no bound' }),
  orders: z.enum(['timed', 'all']).meta({ description: 'timed: steps in time order, ties chosen; all: any pending step may go next, a timeout only when its deadline comes first (not with processes)' }),
  diskBlocks: int().min(1).max(16384).meta(needs('block', 'blocks on the disk (4096 bytes each)')),
  clients: int().min(1).max(1024).meta(needs('block', 'concurrent kernel-side block clients')),
  requestsPerClient: count().meta(needs('block', 'requests each block client submits')),
  readOnlyBlocks: count().meta(needs('block', 'blocks 0..readOnlyBlocks−1 are read by anyone, written by no one')),
  blocksPerClient: int().min(1).meta(needs('block', 'blocks each client owns after the read-only ones')),
  opMix: z.array(z.enum(['in', 'out', 'flush'])).min(1).meta(needs('block', 'operation mix, one entry chosen uniformly per request')),
  thinkMicrosOptions: options().meta(needs('block', 'pause between a client’s requests, one option chosen per request')),
  latencyMicrosOptions: options().meta({ description: 'device service latency, one option chosen per request' }),
  latencySpikeMicros: micros().meta({ description: 'extra latency of a latency-spike fault' }),
  irqDelayMicrosOptions: z.array(delay()).meta({ description: 'delivery delay options of a delayed interrupt (none: no delay faults)' }),
  irqModerationMicros: delay().meta({ description: 'a coalesced interrupt is delivered at the next edge or after this' }),
  spuriousDelayMicrosOptions: options().meta({ description: 'when a spurious interrupt arrives after its completion' }),
  pollTimeoutMicros: delay().meta({ description: 'reference: a request outstanding this long is polled for' }),
  eclipseBPollIntervalMicros: delay().meta({ description: 'eclipse-b: spin-poll period' }),
  eclipseBSpinTimeoutMicros: micros().meta({ description: 'eclipse-b: spin budget as time' }),
  faults: faultsSchema,
  faultBudget: count().meta({ description: 'most faults one run may take' }),
  swarm: z.boolean().meta({ description: 'random mode: a random subset of fault kinds per seed (explore turns it off)' }),
  fetchBoundMicros: micros().meta({ description: 'progress bound: the device fetches a published request within this' }),
  consumeBoundMicros: micros().meta({ description: 'progress bound: the driver consumes a used element within this' }),
  requestBoundMicros: micros().meta({ description: 'progress bound: a request completes within this' }),
  resetBoundMicros: micros().meta({ description: 'progress bound: a reset completes within this' }),
  fs: fsSchema.optional(),
  proc: procSchema.optional(),
  maxSteps: int().min(1).meta({ description: 'run bound: most events in a run' }),
  maxTimeMicros: int().min(1).meta({ description: 'run bound: most simulated time in a run' }),
});

/** MachineParams, validated field by field and across fields. */
export const paramsSchema = fieldsSchema.superRefine(crossRules);

/** The keys `--set` never takes, and why (the hint). */
const NOT_SETTABLE: Record<string, string> = {
  'fs.image': 'the image is chosen with --image <file>',
  'fs.imageHash': 'it follows from the image',
};

/** One settable parameter: its dotted key and what the schema says about it. */
export interface ParamInfo {
  key: string;
  /** JSON-schema type: integer, number, boolean, string (an enum), array. */
  type: 'integer' | 'number' | 'boolean' | 'string' | 'array';
  minimum?: number;
  maximum?: number;
  /** For an enum, or an array of one. */
  values?: string[];
  /** For an array: its elements' type and range, and its least length. */
  items?: { type: 'integer' | 'number' | 'string'; minimum?: number; maximum?: number; values?: string[] };
  minItems?: number;
  needs?: ParamNeed;
  description: string;
}

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: string[];
  minItems?: number;
  needs?: ParamNeed;
  description?: string;
}

function bounds(s: JsonSchema): { minimum?: number; maximum?: number } {
  const out: { minimum?: number; maximum?: number } = {};
  if (s.minimum !== undefined) out.minimum = s.minimum;
  // zod writes positive() as exclusiveMinimum 0; for integers that is a minimum of 1.
  if (s.exclusiveMinimum !== undefined) out.minimum = s.type === 'integer' ? s.exclusiveMinimum + 1 : s.exclusiveMinimum;
  if (s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER) out.maximum = s.maximum;
  return out;
}

/** Every leaf of the schema, in declaration order (derived from the schema, never listed twice). */
function allParams(): ParamInfo[] {
  const root = z.toJSONSchema(fieldsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const out: ParamInfo[] = [];
  const walk = (s: JsonSchema, prefix: string) => {
    for (const [name, f] of Object.entries(s.properties ?? {})) {
      const key = prefix + name;
      if (f.type === 'object') {
        walk(f, `${key}.`);
        continue;
      }
      const info: ParamInfo = { key, type: f.type as ParamInfo['type'], description: f.description ?? '', ...bounds(f) };
      if (f.enum) info.values = [...f.enum];
      if (f.type === 'array' && f.items) {
        info.items = { type: f.items.type as 'integer' | 'number' | 'string', ...bounds(f.items), ...(f.items.enum ? { values: [...f.items.enum] } : {}) };
        if (f.minItems !== undefined) info.minItems = f.minItems;
      }
      if (f.needs) info.needs = f.needs;
      out.push(info);
    }
  };
  walk(root, '');
  return out;
}

export const ALL_PARAMS: readonly ParamInfo[] = allParams();

/** The value at a dotted key, or undefined when a group on the way is absent. */
export function paramValue(params: MachineParams, key: string): unknown {
  let v: unknown = params;
  for (const part of key.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Why `key` has no effect in a scenario with these parameters, or null when it has one. */
function unusedBecause(info: ParamInfo, params: MachineParams): string | null {
  if (info.key.startsWith('proc.services.') || info.needs === 'services') return params.proc?.services ? null : 'runs no services (no init service table)';
  if (info.key.startsWith('proc.') || info.needs === 'proc') return params.proc ? null : 'runs no processes';
  if (info.key.startsWith('fs.') || info.needs === 'fs') return params.fs ? null : 'has no file system';
  if (info.needs === 'block') return params.fs ? 'boots from a disk image and runs no block workload (its clients are fs.clients or processes)' : null;
  return null;
}

/** The parameters a scenario with these parameters uses, each with its value there. */
export function scenarioParams(params: MachineParams): Array<ParamInfo & { default: unknown }> {
  return ALL_PARAMS.filter((p) => !(p.key in NOT_SETTABLE) && unusedBecause(p, params) === null).map((p) => ({ ...p, default: paramValue(params, p.key) }));
}

/** A `--set` that cannot be applied; the message is one line for the user. */
export class ScopeError extends Error {}

/** A setting's value once parsed: what replay files record. */
export type SettingValue = number | boolean | string | Array<number | string>;

/** The allowed values of a parameter, in words ("an integer from 1 to 1024"). */
export function rangeText(p: Pick<ParamInfo, 'type' | 'minimum' | 'maximum' | 'values'> & { items?: ParamInfo['items']; minItems?: number }): string {
  const num = (kind: string, min?: number, max?: number) =>
    min !== undefined && max !== undefined ? `${kind} from ${min} to ${max}` : min !== undefined ? `${kind} ≥ ${min}` : max !== undefined ? `${kind} ≤ ${max}` : kind;
  switch (p.type) {
    case 'integer':
      return num('an integer', p.minimum, p.maximum);
    case 'number':
      return num('a number', p.minimum, p.maximum);
    case 'boolean':
      return 'true or false';
    case 'string':
      return p.values ? `one of ${p.values.join(', ')}` : 'a string';
    case 'array': {
      const it = p.items!;
      const each = it.values ? `of ${it.values.join(', ')}` : `of ${rangeText({ type: it.type, minimum: it.minimum, maximum: it.maximum }).replace(/^an? /, '').replace(/^(integer|number)/, '$1s')}`;
      return `a comma-separated list ${each}${p.minItems ? ` (at least ${p.minItems})` : ' (may be empty)'}`;
    }
  }
}

const INTEGER = /^[+-]?\d+(_\d+)*$/;
const NUMBER = /^[+-]?(\d+(_\d+)*(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** A raw scalar as the type says, or undefined if it is not one. */
function scalar(raw: string, type: string, values?: string[]): number | boolean | string | undefined {
  const s = raw.trim();
  if (type === 'integer') return INTEGER.test(s) && Number.isSafeInteger(Number(s.replace(/_/g, ''))) ? Number(s.replace(/_/g, '')) : undefined;
  if (type === 'number') return NUMBER.test(s) && Number.isFinite(Number(s.replace(/_/g, ''))) ? Number(s.replace(/_/g, '')) : undefined;
  if (type === 'boolean') return s === 'true' ? true : s === 'false' ? false : undefined;
  if (type === 'string') return values === undefined || values.includes(s) ? s : undefined;
  return undefined;
}

/** Parses a raw `--set` value for a parameter; undefined when it has the wrong type. */
function parseValue(info: ParamInfo, raw: string): SettingValue | undefined {
  if (info.type !== 'array') return scalar(raw, info.type, info.values);
  let s = raw.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1).trim();
  if (s === '') return [];
  const out: Array<number | string> = [];
  for (const part of s.split(',')) {
    const v = scalar(part, info.items!.type, info.items!.values);
    if (v === undefined || typeof v === 'boolean') return undefined;
    out.push(v);
  }
  return out;
}

/** Edit distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = d[j];
      d[j] = next;
    }
  }
  return d[b.length];
}

/** Up to three of `keys` close to `key` (edit distance on the whole key or its last part). */
export function closeKeys(key: string, keys: readonly string[]): string[] {
  const k = key.toLowerCase();
  const last = (x: string) => x.slice(x.lastIndexOf('.') + 1).toLowerCase();
  const scored = keys
    .map((x) => ({ x, d: Math.min(distance(k, x.toLowerCase()), distance(last(k), last(x)) + (k.includes('.') ? 1 : 0)) }))
    .filter(({ x, d }) => d <= Math.max(2, Math.floor(last(x).length / 3)) || x.toLowerCase().includes(k))
    .sort((a, b) => a.d - b.d || a.x.localeCompare(b.x));
  return scored.slice(0, 3).map((s) => s.x);
}

/** `key=value` → its parts; throws ScopeError for anything else. */
export function splitSetting(arg: string): { key: string; raw: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new ScopeError(`--set expects key=value (e.g. --set clients=2), not "${arg}"`);
  return { key: arg.slice(0, eq).trim(), raw: arg.slice(eq + 1) };
}

/** Where a setting came from, for messages: `--set k=v` or a replay file's `settings.k`. */
type Source = (key: string, raw: string) => string;
const fromCli: Source = (key, raw) => `--set ${key}=${raw}`;

/** The info for a key a scenario uses, or a ScopeError that says what is wrong and what is near. */
function lookup(key: string, raw: string, params: MachineParams, scenario: string, source: Source): ParamInfo {
  const where = source(key, raw);
  const usable = scenarioParams(params).map((p) => p.key);
  const info = ALL_PARAMS.find((p) => p.key === key);
  if (!info) {
    const group = ALL_PARAMS.filter((p) => p.key.startsWith(`${key}.`) && usable.includes(p.key)).map((p) => p.key);
    if (group.length > 0) throw new ScopeError(`${where}: ${key} is a group of parameters; set one of them (${group.slice(0, 4).join(', ')}${group.length > 4 ? ', …' : ''})`);
    const near = closeKeys(key, usable);
    throw new ScopeError(`${where}: unknown parameter "${key}" for scenario ${scenario}${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}; its parameters are listed by eclipse-sim list --json`);
  }
  if (key in NOT_SETTABLE) throw new ScopeError(`${where}: ${key} cannot be set: ${NOT_SETTABLE[key]}`);
  const why = unusedBecause(info, params);
  if (why) throw new ScopeError(`${where}: scenario ${scenario} ${why}, so ${key} would change nothing`);
  return info;
}

/** A deep copy of `params` with the value at dotted `key` replaced. */
function withValue(params: MachineParams, key: string, value: SettingValue): MachineParams {
  const parts = key.split('.');
  const set = (obj: Record<string, unknown>, i: number): Record<string, unknown> => ({ ...obj, [parts[i]]: i === parts.length - 1 ? value : set(obj[parts[i]] as Record<string, unknown>, i + 1) });
  return set(params as unknown as Record<string, unknown>, 0) as unknown as MachineParams;
}

/** Checks the whole parameter set; a broken rule is reported against the setting that caused it. */
function validate(params: MachineParams, scenario: string, settings: ReadonlyArray<{ key: string; raw: string }>, source: Source): void {
  const r = paramsSchema.safeParse(params);
  if (r.success) return;
  const issue = r.error.issues[0];
  const path = issue.path.join('.');
  const info = ALL_PARAMS.find((p) => p.key === path);
  // The last setting of that key (or, for a rule across keys, of one of its keys), else the last.
  const keys: readonly string[] = issue.code === 'custom' ? ((issue.params as { keys?: string[] } | undefined)?.keys ?? [path]) : [path];
  const culprit = [...settings].reverse().find((s) => keys.includes(s.key)) ?? settings[settings.length - 1];
  const where = culprit ? source(culprit.key, culprit.raw) : `scenario ${scenario}`;
  if (issue.code === 'custom') throw new ScopeError(`${where}: ${issue.message}`);
  throw new ScopeError(`${where}: out of range: ${path} is ${info ? rangeText(info) : issue.message}`);
}

/**
 * Applies `--set key=value` settings (in order; a later one of a key wins) to a scenario's
 * parameters. Returns the new parameters and the parsed values (what a replay file records).
 * With `skipUnused`, a known key the scenario does not use is left out instead of refused (check
 * applies one set of settings to every scenario).
 */
export function applySettings(params: MachineParams, scenario: string, args: readonly string[], skipUnused = false): { params: MachineParams; values: Record<string, SettingValue> } {
  const settings = args.map(splitSetting);
  let out = params;
  const values: Record<string, SettingValue> = {};
  const applied: Array<{ key: string; raw: string }> = [];
  for (const { key, raw } of settings) {
    const known = ALL_PARAMS.find((p) => p.key === key);
    if (skipUnused && known && !(key in NOT_SETTABLE) && unusedBecause(known, params) !== null) continue;
    const info = lookup(key, raw, params, scenario, fromCli);
    const v = parseValue(info, raw);
    if (v === undefined) throw new ScopeError(`${fromCli(key, raw)}: ${info.values || info.items?.values ? 'bad value' : 'wrong type'}: ${key} is ${rangeText(info)}`);
    out = withValue(out, key, v);
    values[key] = v;
    applied.push({ key, raw });
  }
  validate(out, scenario, applied, fromCli);
  return { params: out, values };
}

/** Re-applies recorded setting values (a replay file's `settings`); ScopeError if they do not fit. */
export function applySettingValues(params: MachineParams, scenario: string, values: Readonly<Record<string, SettingValue>>): MachineParams {
  const source: Source = (key) => `settings.${key}`;
  let out = params;
  const applied: Array<{ key: string; raw: string }> = [];
  for (const [key, v] of Object.entries(values)) {
    const info = lookup(key, JSON.stringify(v), params, scenario, source);
    const ok = info.type === 'array' ? Array.isArray(v) && v.every((x) => scalar(String(x), info.items!.type, info.items!.values) === x) : !Array.isArray(v) && scalar(String(v), info.type, info.values) === v;
    if (!ok) throw new ScopeError(`settings.${key}: wrong type: ${key} is ${rangeText(info)}`);
    out = withValue(out, key, v);
    applied.push({ key, raw: JSON.stringify(v) });
  }
  validate(out, scenario, applied, source);
  return out;
}
