/**
 * The trace as objects, for `replay --trace --json` and the HTML timeline: one per event or fault
 * note, each with its step, simulated time, actor, event, named arguments, and the lines saying
 * what its step did (trace-annotations.ts; they go with the step's event, not its notes).
 */
import type { EventRegistry } from '../sim/event-table.js';
import type { TraceRecord } from '../sim/trace.js';
import { traceFields } from './trace-text.js';
import type { TraceAnnotator } from './trace-annotations.js';

export interface TraceEvent {
  step: number;
  /** Simulated time, µs. */
  time: number;
  /** driver, device, irq, client, fs, cpu, timer, ipc, power; `fault` for a fault striking. */
  actor: string;
  event: string;
  arguments: Record<string, number | string>;
  /** What the step did, in words (empty for fault notes). */
  annotations: string[];
  /** The topic of each annotation (trace-annotations.ts probeTopic), same order. */
  topics: string[];
}

/** The records after step `from`, as objects. */
export function traceEvents(records: Iterable<TraceRecord>, events: EventRegistry, notes: TraceAnnotator | null, from = 0): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const r of records) {
    if (r.step <= from) continue;
    const f = traceFields(r, events);
    const isEvent = r.kind >= 0;
    out.push({
      step: r.step,
      time: r.time,
      ...f,
      annotations: isEvent && notes ? [...notes.at(r.step)] : [],
      topics: isEvent && notes ? [...notes.topicsAt(r.step)] : [],
    });
  }
  return out;
}
