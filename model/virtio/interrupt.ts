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
import { E_IRQ_DELIVER, E_IRQ_MODERATION } from '../events.js';
import { F_IRQ_COALESCE, F_IRQ_DELAY, F_IRQ_LOST } from '../faults.js';
import { P_IRQ_RAISE } from '../probes.js';
import type { VirtioMachine } from '../virtio-machine.js';

const L_IRQ_DELAY = label('irq.delay');

export class InterruptLine {
  /** Whether the CPU takes this IRQ at all (reference: yes; eclipse-b: masked, it polls). */
  enabled = 0;
  /** A delivery event is scheduled. Invariant: exactly one E_IRQ_DELIVER is queued iff pending. */
  pending = 0;
  /**
   * A raise was held back (lost or coalesced); the next edge delivers it. A moderation timer left
   * over from an earlier hold may deliver a later hold early: harmless, it only shortens the wait.
   */
  held = 0;

  constructor(private readonly m: VirtioMachine) {}

  begin(enabled: boolean): void {
    this.enabled = enabled ? 1 : 0;
    this.pending = 0;
    this.held = 0;
  }

  /** The device raises the line for `bits` (already set in its interrupt status). */
  raise(bits: number): void {
    const m = this.m;
    m.probe(P_IRQ_RAISE, bits, 0, 0);
    if (this.enabled === 0 || this.pending === 1) return;
    const p = m.params;
    if (this.held === 1) {
      // This edge carries the held interrupt too.
      this.held = 0;
      this.deliverAfter(1);
      return;
    }
    // A lost or coalesced interrupt is recovered by the next edge or, failing that, by the
    // driver's polling fallback: that is the time the design may take to settle.
    if (m.faults.strike(F_IRQ_LOST, p.pollTimeoutMicros + p.consumeBoundMicros, bits)) {
      this.held = 1;
      return;
    }
    if (m.faults.strike(F_IRQ_COALESCE, p.irqModerationMicros + p.consumeBoundMicros, bits)) {
      this.held = 1;
      m.sim.after(p.irqModerationMicros, E_IRQ_MODERATION, 0, 0);
      return;
    }
    const opts = p.irqDelayMicrosOptions;
    if (opts.length > 0 && m.faults.strike(F_IRQ_DELAY, 0, bits)) {
      const delay = opts[m.sim.chooser.choose(L_IRQ_DELAY, opts.length)];
      m.faults.extendSettle(m.sim.now + delay + p.consumeBoundMicros);
      this.deliverAfter(delay);
      return;
    }
    this.deliverAfter(1);
  }

  private deliverAfter(delay: number): void {
    this.pending = 1;
    this.m.sim.after(delay, E_IRQ_DELIVER, 0, 0);
  }

  /** E_IRQ_DELIVER: the CPU takes the interrupt. */
  deliver(): void {
    if (this.pending === 0) return;
    this.pending = 0;
    this.m.driver.onInterrupt();
  }

  /** E_IRQ_MODERATION: the moderation timer of a coalesced interrupt expires. */
  moderation(): void {
    if (this.held === 0 || this.pending === 1) return;
    this.held = 0;
    this.deliverAfter(1);
  }

  /** E_IRQ_SPURIOUS: an interrupt nobody raised (or whose work is already done). */
  spurious(): void {
    if (this.enabled === 1) this.m.driver.onInterrupt();
  }

  fingerprint(h: Hasher64): void {
    h.int(this.enabled);
    h.int(this.pending);
    h.int(this.held);
  }
}
