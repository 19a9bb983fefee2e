import type { EventHandler } from './simulation.js';

/**
 * Event tables: each model part declares its own events — kind, name, actor and handler — in one
 * table next to its code, and the machine registers every part's table when it wires the parts
 * (model/machine.ts). Dispatch is an array lookup by kind; a kind no part registered cannot be
 * scheduled by a part (kinds are only defined in tables) and is an engine error if it is popped.
 */
export interface EventDef<P> {
  /** A small non-negative integer, unique across the machine (it is hashed into the trace). */
  readonly kind: number;
  /** For the trace: `part.what`, e.g. `drv.drain`. */
  readonly name: string;
  /** For the trace: who acts (driver, device, irq, client, fs, cpu, …). */
  readonly actor: string;
  readonly run: (part: P, a: number, b: number) => void;
  /** For the trace: what the arguments a and b mean ('' = not shown). */
  readonly args: readonly [string, string];
}

/** One part's table: its events, handled by `P`. */
export type EventTable<P> = readonly EventDef<P>[];

type Row<P> = readonly [kind: number, name: string, run: (part: P, a: number, b: number) => void, args?: readonly [string, string]];

/**
 * Builds a part's table from rows `[kind, name, handler, argument names]` sharing one actor. The
 * kinds are the part's exported constants, so what it schedules and what it handles are the same
 * numbers.
 */
export function eventTable<P>(actor: string, rows: ReadonlyArray<Row<P>>): EventTable<P> {
  return rows.map(([kind, name, run, args]) => ({ kind, name, actor, run, args: args ?? ['', ''] }));
}


/** Every registered event of one machine: dispatch by kind, and names for the trace. */
export class EventRegistry implements EventHandler {
  // Parallel by kind: the handler and the part it runs on (one call per event, no closure).
  private readonly runs: (((part: unknown, a: number, b: number) => void) | undefined)[] = [];
  private readonly parts: unknown[] = [];
  private readonly defs: (EventDef<unknown> | undefined)[] = [];

  /** Registers `part`'s table. A kind registered twice is a wiring error. */
  register<P>(part: P, table: EventTable<P>): void {
    for (const def of table) {
      if (!Number.isInteger(def.kind) || def.kind < 0) throw new Error(`event ${def.name}: kind ${def.kind} is not a small non-negative integer`);
      const other = this.defs[def.kind];
      if (other) throw new Error(`event kind ${def.kind} registered twice: ${other.name} and ${def.name}`);
      this.runs[def.kind] = def.run as (part: unknown, a: number, b: number) => void;
      this.parts[def.kind] = part;
      this.defs[def.kind] = def as EventDef<unknown>;
    }
  }

  dispatch(kind: number, a: number, b: number): void {
    const run = this.runs[kind];
    if (run === undefined) throw new Error(`engine: event kind ${kind} was scheduled but no part registered it`);
    run(this.parts[kind], a, b);
  }

  /** The registered events, by kind (gaps are undefined). */
  get events(): readonly (EventDef<unknown> | undefined)[] {
    return this.defs;
  }

  name(kind: number): string | undefined {
    return this.defs[kind]?.name;
  }

  actor(kind: number): string | undefined {
    return this.defs[kind]?.actor;
  }

  /** The kind of the event named `name`, or −1. */
  kindOf(name: string): number {
    return this.defs.findIndex((d) => d?.name === name);
  }
}
