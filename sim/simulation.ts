import type { Chooser } from './chooser.js';
import { EventQueue } from './event-queue.js';
import { Trace } from './trace.js';
import type { Micros } from './clock.js';
import type { Engine } from './engine.js';
import type { Label } from './labels.js';
import type { StateDecl } from './state-walk.js';

/**
 * What the model gives the engine: a dispatcher for its events. Kinds are small non-negative
 * integers the model defines; `a` and `b` are its arguments.
 */
export interface EventHandler {
  dispatch(kind: number, a: number, b: number): void;
}

/**
 * The discrete-event engine: a virtual clock, the event queue and the trace, driven one event at a
 * time. Knows nothing of kernels. The model schedules events with `at`/`after` and draws every
 * decision from `chooser`.
 */
export class Simulation implements Engine {
  /** The trace and the chooser belong to the run, not the state; the handler is wired once. */
  static readonly stateDecl: StateDecl = { observed: ['trace', 'chooser'], fixed: ['handler'], dead: ['steps'], times: ['now'] };

  now: Micros = 0;
  /** Events executed so far in this run. */
  steps = 0;
  readonly queue = new EventQueue();
  readonly trace = new Trace();
  handler: EventHandler | null = null;

  constructor(public chooser: Chooser) {}

  /** Starts a new run: clock at 0, no events, empty trace (keeping `keepTrace` records). */
  reset(chooser: Chooser, keepTrace: number): void {
    this.chooser = chooser;
    this.now = 0;
    this.steps = 0;
    this.queue.clear();
    this.trace.reset(keepTrace);
  }

  /** Schedules an event `delay` microseconds from now. */
  after(delay: Micros, kind: number, a: number, b: number): void {
    this.queue.push(this.now + delay, kind, a, b);
  }

  /** Schedules an event at an absolute time (not before now). */
  at(time: Micros, kind: number, a: number, b: number): void {
    this.queue.push(time < this.now ? this.now : time, kind, a, b);
  }

  /** Removes one pending event `kind` (a, b), if any. */
  cancel(kind: number, a: number, b: number): boolean {
    return this.queue.remove(kind, a, b);
  }

  choose(label: Label, n: number): number {
    return this.chooser.choose(label, n);
  }

  delay(label: Label, options: readonly Micros[], kind: number, instance: number): Micros {
    return options[this.chooser.chooseDelay(label, options, kind, instance, this.now)];
  }

  chance(label: Label, probability: number): number {
    return this.chooser.chance(label, probability);
  }

  /** Adds a model note to the trace (negative kind), e.g. a fault striking. */
  note(kind: number, a: number, b: number, c: number): void {
    this.trace.record(this.steps, this.now, -kind - 1, a, b, c);
  }

  /**
   * Executes the next event. Returns false when no event is pending. Time never goes backwards.
   */
  step(): boolean {
    const q = this.queue;
    if (!q.pop(this.chooser)) return false;
    // In orders=all a step taken before its time leaves the clock where it is (EventQueue.popAnyOrder).
    if (q.poppedTime > this.now) this.now = q.poppedTime;
    this.steps++;
    this.trace.record(this.steps, this.now, q.poppedKind, q.poppedA, q.poppedB, 0);
    this.handler!.dispatch(q.poppedKind, q.poppedA, q.poppedB);
    return true;
  }
}
