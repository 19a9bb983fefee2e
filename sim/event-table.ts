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


function unregistered(kind: number): Error {
  return new Error(`engine: event kind ${kind} was scheduled but no part registered it`);
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

  /**
   * Runs event `kind` (a, b). Until `seal`, a lookup and one shared call site; after it, a switch
   * with one call site per kind (see `seal`).
   */
  dispatch = (kind: number, a: number, b: number): void => {
    const run = this.runs[kind];
    if (run === undefined) throw unregistered(kind);
    run(this.parts[kind], a, b);
  };

  /**
   * Called once every part is registered. Builds the dispatcher as a switch over the registered
   * kinds in which each kind has its own call site: each site always calls the same handler, so
   * the engine can inline the handler there, where a single shared site `runs[kind](…)` calls
   * dozens of different functions and can inline none (issue 10: this indirect call was half of
   * what the ports redesign cost the VirtIO campaigns). The generated text is made only from the
   * kind numbers; the handlers are passed in as values.
   */
  seal(): void {
    const kinds: number[] = [];
    for (let k = 0; k < this.runs.length; k++) if (this.runs[k] !== undefined) kinds.push(k);
    const setup = kinds.map((k) => `const r${k} = runs[${k}], p${k} = parts[${k}];`).join('\n');
    const cases = kinds.map((k) => `case ${k}: r${k}(p${k}, a, b); return;`).join('\n');
    const make = new Function('runs', 'parts', 'unregistered', `${setup}\nreturn function dispatch(kind, a, b) {\nswitch (kind) {\n${cases}\ndefault: throw unregistered(kind);\n}\n};`);
    this.dispatch = make(this.runs, this.parts, unregistered) as (kind: number, a: number, b: number) => void;
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
