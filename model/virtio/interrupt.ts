/**
 * The device's interrupt line to the CPU (VirtIO 1.2 §4.2.2 InterruptStatus / InterruptACK;
 * kernel.md §2.4). The device sets bits in its interrupt status register and raises the line; the
 * line delivers one interrupt per edge. A raise while a delivery is already pending merges into it
 * (ordinary coalescing). Faults act here: a delivery is delayed, held for coalescing with the next
 * edge (or a moderation timer), lost until the next edge, or a spurious interrupt arrives.
 *
 * eclipse-b drives the device by polling and never unmasks its IRQ: raises have no effect there.
 */
import { label } from '../../sim/labels.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { Engine } from '../../sim/engine.js';
import { eventTable } from '../../sim/event-table.js';
import type { ModelContext, ProbeSink } from '../context.js';
import { F_IRQ_COALESCE, F_IRQ_DELAY, F_IRQ_LOST, type Faults } from '../faults.js';
import type { MachineParams } from '../params.js';
import { P_IRQ_RAISE } from '../probes.js';
const L_IRQ_DELAY = label('irq.delay');

// The line's events (kinds are machine-wide; see sim/event-table.ts).
export const E_IRQ_DELIVER = 7;
export const E_IRQ_MODERATION = 8;
export const E_IRQ_SPURIOUS = 9;

/** What the device sees of the line: raise it for `bits` (already set in its InterruptStatus). */
export interface InterruptSink {
  raise(bits: number): void;
}

/** Who takes a delivered interrupt: the driver's handler entry. */
export interface InterruptTarget {
  onInterrupt(): void;
}

export type InterruptParams = Pick<MachineParams, 'pollTimeoutMicros' | 'consumeBoundMicros' | 'irqModerationMicros' | 'irqDelayMicrosOptions'>;

export class InterruptLine implements InterruptSink {
  /** Whether the CPU takes this IRQ at all (reference: yes; eclipse-b: masked, it polls). */
  enabled = 0;
  /** A delivery event is scheduled. Invariant: exactly one E_IRQ_DELIVER is queued iff pending. */
  pending = 0;
  /**
   * A raise was held back (lost or coalesced); the next edge delivers it. A moderation timer left
   * over from an earlier hold may deliver a later hold early: harmless, it only shortens the wait.
   */
  held = 0;

  private readonly engine: Engine;
  private readonly probes: ProbeSink;
  private readonly faults: Faults;
  /** The driver, connected when the machine is wired (it is built after the line). */
  private target: InterruptTarget | null = null;

  constructor(
    ctx: ModelContext,
    private readonly params: InterruptParams,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.faults = ctx.faults;
  }

  /** Delivered interrupts go to `target`. */
  connect(target: InterruptTarget): void {
    this.target = target;
  }

  begin(enabled: boolean): void {
    this.enabled = enabled ? 1 : 0;
    this.pending = 0;
    this.held = 0;
  }

  /** The device raises the line for `bits` (already set in its interrupt status). */
  raise(bits: number): void {
    this.probes.add(P_IRQ_RAISE, bits, 0, 0);
    if (this.enabled === 0 || this.pending === 1) return;
    const p = this.params;
    if (this.held === 1) {
      // This edge carries the held interrupt too.
      this.held = 0;
      this.deliverAfter(1);
      return;
    }
    // A lost or coalesced interrupt is recovered by the next edge or, failing that, by the
    // driver's polling fallback: that is the time the design may take to settle.
    if (this.faults.strike(F_IRQ_LOST, p.pollTimeoutMicros + p.consumeBoundMicros, bits)) {
      this.held = 1;
      return;
    }
    if (this.faults.strike(F_IRQ_COALESCE, p.irqModerationMicros + p.consumeBoundMicros, bits)) {
      this.held = 1;
      this.engine.after(p.irqModerationMicros, E_IRQ_MODERATION, 0, 0);
      return;
    }
    const opts = p.irqDelayMicrosOptions;
    if (opts.length > 0 && this.faults.strike(F_IRQ_DELAY, 0, bits)) {
      const delay = this.engine.delay(L_IRQ_DELAY, opts, E_IRQ_DELIVER, 0);
      this.faults.extendSettle(this.engine.now + delay + p.consumeBoundMicros);
      this.deliverAfter(delay);
      return;
    }
    this.deliverAfter(1);
  }

  private deliverAfter(delay: number): void {
    this.pending = 1;
    this.engine.after(delay, E_IRQ_DELIVER, 0, 0);
  }

  /** E_IRQ_DELIVER: the CPU takes the interrupt. */
  deliver(): void {
    if (this.pending === 0) return;
    this.pending = 0;
    this.target!.onInterrupt();
  }

  /** E_IRQ_MODERATION: the moderation timer of a coalesced interrupt expires. */
  moderation(): void {
    if (this.held === 0 || this.pending === 1) return;
    this.held = 0;
    this.deliverAfter(1);
  }

  /** E_IRQ_SPURIOUS: an interrupt nobody raised (or whose work is already done). */
  spurious(): void {
    if (this.enabled === 1) this.target!.onInterrupt();
  }

  fingerprint(h: Hasher64): void {
    h.int(this.enabled);
    h.int(this.pending);
    h.int(this.held);
  }
}

export const INTERRUPT_EVENTS = eventTable<InterruptLine>('irq', [
  [E_IRQ_DELIVER, 'irq.deliver', (irq) => irq.deliver()],
  [E_IRQ_MODERATION, 'irq.moderation', (irq) => irq.moderation()],
  [E_IRQ_SPURIOUS, 'irq.spurious', (irq) => irq.spurious()],
]);
