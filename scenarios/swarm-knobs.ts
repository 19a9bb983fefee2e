/**
 * Swarm testing over workload knobs, as TigerBeetle's swarm options (`options_swarm` in vopr.zig)
 * and Groce et al.'s "Swarm Testing" (ISSTA 2012) do for fault kinds: each seed of a random
 * campaign draws, within ranges the scenario declares, how many clients are active, how many
 * requests or calls each makes, how long they think, how many helper children a process forks and
 * how often processes are killed (the crash rate). Some seeds then run a workload much lighter or
 * heavier than the scenario's one fixed shape, which reaches situations the average seed does not.
 *
 * The draws are choices of the run (labels `swarm.<key>`), made first, before the machine powers
 * on: a replay reproduces them exactly, the shrinker can lower them (index 0 is each knob's first
 * declared value), and the replay file records the values drawn (`knobs`). Knobs are drawn only
 * when the scenario's `swarm` is on: exploration turns it off, so it sees the scenario's own
 * workload; `--set swarm=false` does the same for a campaign.
 */
import { label, type Label } from '../sim/labels.js';
import type { Chooser } from '../sim/chooser.js';
import type { Hasher64 } from '../sim/hash.js';
import type { MachineParams } from '../model/params.js';
import type { Machine } from '../model/machine.js';

/** The knobs there are: dotted parameter keys, as `--set` names them. */
export const KNOB_KEYS = ['clients', 'requestsPerClient', 'thinkMicrosMax', 'fs.clients', 'fs.opsPerClient', 'proc.workload.children', 'proc.workload.fanout', 'faults.crash'] as const;
export type KnobKey = (typeof KNOB_KEYS)[number];

/** What each knob means, for `list` and the README. */
export const KNOB_MEANING: Record<KnobKey, string> = {
  clients: 'block clients that make requests this run (the first n)',
  requestsPerClient: 'requests each block client makes',
  thinkMicrosMax: 'longest think time between a block client’s requests (µs; the options above it are dropped)',
  'fs.clients': 'file-system clients that make calls this run (the first n)',
  'fs.opsPerClient': 'calls each file-system client makes',
  'proc.workload.children': 'children each parent of the process workload forks (orphans, storm, lineage’s grandchildren)',
  'proc.workload.fanout': 'children per node of the fork tree',
  'faults.crash': 'the kill rate: probability a process crashes at a step',
};

/** A knob and the values a seed may draw for it (the first is what index 0, the default, gives). */
export interface SwarmKnob {
  key: KnobKey;
  values: readonly number[];
}

/** Integers min…max as knob values. */
export function knobRange(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

const LABELS = new Map<string, Label>(KNOB_KEYS.map((k) => [k, label(`swarm.${k}`)]));

/**
 * The parameters a run may change, copied so the scenario's own objects are never written: the
 * groups a knob reaches into get their own copy. Call before the machine is built.
 */
export function paramsForKnobs(p: MachineParams): MachineParams {
  return {
    ...p,
    faults: { ...p.faults },
    ...(p.fs ? { fs: { ...p.fs } } : {}),
    ...(p.proc ? { proc: { ...p.proc, workload: { ...p.proc.workload } } } : {}),
  };
}

/** Why a declared knob does not fit the scenario (for the registry's test), or null. */
export function knobProblem(k: SwarmKnob, p: MachineParams): string | null {
  if (!KNOB_KEYS.includes(k.key)) return `unknown knob ${k.key}`;
  if (k.values.length === 0) return `knob ${k.key} has no values`;
  if ((k.key === 'fs.clients' || k.key === 'fs.opsPerClient') && !p.fs) return `knob ${k.key} on a scenario without a file system`;
  if (k.key.startsWith('proc.') && !p.proc) return `knob ${k.key} on a scenario without processes`;
  if (k.key === 'clients' && k.values.some((v) => v < 1 || v > p.clients)) return `knob clients outside 1…${p.clients}`;
  if (k.key === 'fs.clients' && k.values.some((v) => v < 1 || v > p.fs!.clients)) return `knob fs.clients outside 1…${p.fs!.clients}`;
  if (k.key === 'faults.crash' && k.values.some((v) => !(v >= 0 && v <= 1))) return 'knob faults.crash outside 0…1';
  if (k.key !== 'faults.crash' && k.values.some((v) => !Number.isInteger(v) || v < 0)) return `knob ${k.key} takes non-negative integers`;
  return null;
}

/** One system's knobs: draws them at the start of each run and applies them. */
export class SwarmKnobs {
  /** The values this run drew, in declaration order. */
  readonly drawn: Float64Array;
  private readonly baseThink: readonly number[];

  constructor(
    readonly knobs: readonly SwarmKnob[],
    /** The system's own parameters (from paramsForKnobs), which the machine's parts read. */
    private readonly params: MachineParams,
  ) {
    this.drawn = new Float64Array(knobs.length);
    this.baseThink = params.thinkMicrosOptions;
  }

  /** Draws every knob (one choice each) and applies it to the parameters and the machine. */
  draw(chooser: Chooser, m: Machine): void {
    for (let i = 0; i < this.knobs.length; i++) {
      const k = this.knobs[i];
      const v = k.values[chooser.choose(LABELS.get(k.key)!, k.values.length)];
      this.drawn[i] = v;
      this.apply(k.key, v, m);
    }
  }

  private apply(key: KnobKey, v: number, m: Machine): void {
    const p = this.params as { -readonly [K in keyof MachineParams]: MachineParams[K] };
    switch (key) {
      case 'clients':
        m.clients.active = v;
        return;
      case 'requestsPerClient':
        p.requestsPerClient = v;
        return;
      case 'thinkMicrosMax': {
        const kept = this.baseThink.filter((x) => x <= v);
        p.thinkMicrosOptions = kept.length > 0 ? kept : [Math.min(...this.baseThink)];
        return;
      }
      case 'fs.clients':
        m.fsClients!.active = v;
        return;
      case 'fs.opsPerClient':
        (p.fs as { opsPerClient: number }).opsPerClient = v;
        return;
      case 'proc.workload.children':
        (p.proc!.workload as { children: number }).children = v;
        return;
      case 'proc.workload.fanout':
        (p.proc!.workload as { fanout: number }).fanout = v;
        return;
      case 'faults.crash':
        (p.faults as { crash: number }).crash = v;
        return;
    }
  }

  /** The values drawn in the last run, by key. */
  values(): Record<string, number> {
    const r: Record<string, number> = {};
    for (let i = 0; i < this.knobs.length; i++) r[this.knobs[i].key] = this.drawn[i];
    return r;
  }

  /** The drawn values shape the rest of the run. */
  fingerprint(h: Hasher64): void {
    for (let i = 0; i < this.drawn.length; i++) h.num(this.drawn[i]);
  }
}

/** "clients=3 faults.crash=0.002" */
export function knobsText(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}
