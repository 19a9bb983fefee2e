import { label, type Label } from '../sim/labels.js';
import type { Engine } from '../sim/engine.js';
import type { Hasher64 } from '../sim/hash.js';
import type { FaultRates } from './params.js';
import type { Micros } from '../sim/clock.js';
import type { StateDecl } from '../sim/state-walk.js';

/** Fault kinds, in a fixed order (trace notes and counters use the index). */
export const FAULT_KINDS = ['ioError', 'unsupported', 'latencySpike', 'irqDelay', 'irqCoalesce', 'irqLost', 'irqSpurious', 'deviceFailure', 'powerLoss', 'crash', 'frameShortage', 'hang', 'slowStart'] as const;
export const F_IO_ERROR = 0;
export const F_UNSUPPORTED = 1;
export const F_LATENCY_SPIKE = 2;
export const F_IRQ_DELAY = 3;
export const F_IRQ_COALESCE = 4;
export const F_IRQ_LOST = 5;
export const F_IRQ_SPURIOUS = 6;
export const F_DEVICE_FAILURE = 7;
export const F_POWER_LOSS = 8;
export const F_CRASH = 9;
export const F_FRAME_SHORTAGE = 10;
export const F_HANG = 11;
export const F_SLOW_START = 12;

const FAULT_LABELS: Label[] = FAULT_KINDS.map((k) => label(`fault.${k}`));
const L_SWARM = label('fault.swarm');

/** Trace note kind for "a fault struck": a = fault kind, b = detail. */
export const NOTE_FAULT = 0;

/**
 * The fault plan of one run. Every fault site calls `strike(kind)`, which asks the chooser (a
 * biased coin in random mode, a branch in exhaustive mode) while the run's fault budget lasts.
 * A fault also pushes `settleUntil` forward by the time the design needs to recover from it;
 * progress checks measure their bounds from there ("after the last fault", invariants.md).
 */
export class Faults {
  /**
   * For the fingerprint audit. `total` is budget − remaining (`remaining` is fingerprinted).
   * `counts` is a statistic, but checks/services.ts compares counts[F_HANG] with its own copy
   * (ServiceChecks.hangsSeen) to notice a new hang; that copy is state there.
   */
  static readonly stateDecl: StateDecl = { deadlines: ['settleUntil'], dead: ['total', 'counts'] };

  private rates = new Float64Array(FAULT_KINDS.length);
  remaining = 0;
  settleUntil: Micros = 0;
  readonly counts = new Int32Array(FAULT_KINDS.length);
  total = 0;
  /**
   * Told of every fault that strikes (the machine's coverage probes: model/coverage.ts). It only
   * counts; it never changes what happens.
   */
  onStrike: ((kind: number) => void) | null = null;

  constructor(private readonly sim: Engine) {}

  /**
   * Starts a run. With `swarm`, each fault kind is switched on or off for the whole run by one
   * choice (Groce et al., "Swarm Testing", ISSTA 2012), so some seeds see many faults of few kinds.
   */
  begin(rates: FaultRates, budget: number, swarm: boolean): void {
    for (let i = 0; i < FAULT_KINDS.length; i++) {
      let r = rates[FAULT_KINDS[i]];
      if (swarm && r > 0 && this.sim.chance(L_SWARM, 0.5) === 1) r = 0;
      this.rates[i] = r;
    }
    this.remaining = budget;
    this.settleUntil = 0;
    this.counts.fill(0);
    this.total = 0;
  }

  /** True if fault `kind` strikes here. `recovery` is how long the design may take to recover. */
  strike(kind: number, recovery: Micros, detail = 0): boolean {
    if (this.remaining <= 0) return false;
    const rate = this.rates[kind];
    if (!(rate > 0)) return false;
    if (this.sim.chance(FAULT_LABELS[kind], rate) === 0) return false;
    this.remaining--;
    this.counts[kind]++;
    this.total++;
    const until = this.sim.now + recovery;
    if (until > this.settleUntil) this.settleUntil = until;
    this.sim.note(NOTE_FAULT, kind, detail, 0);
    if (this.onStrike !== null) this.onStrike(kind);
    return true;
  }

  /** Extends the settle time (a fault whose effect lasts, such as a long delay). */
  extendSettle(until: Micros): void {
    if (until > this.settleUntil) this.settleUntil = until;
  }

  fingerprint(h: Hasher64, now: Micros): void {
    h.int(this.remaining);
    h.int(this.settleUntil > now ? this.settleUntil - now : 0);
  }
}
