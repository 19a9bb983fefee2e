/**
 * A loop inside one event ran past its natural limit (the queue size, the table size, the ring
 * size …): the model is in a state its own design rules out, and without the bound the event
 * would never return. Thrown by the model at the loop; the system turns it into a `MODEL-HANG`
 * violation (a model bug, with a replay file like `MODEL-CRASH`), so a broken model ends a run
 * instead of hanging the tool.
 *
 * At a loop site the bound costs one counter compare; the message is built only when it is
 * exceeded.
 */
export class WorkBoundExceeded extends Error {
  constructor(
    /** The model part whose loop it was ("device", "scheduler" …). */
    readonly part: string,
    /** What the loop was doing ("searching for a free request slot"). */
    readonly what: string,
    /** The limit that was exceeded. */
    readonly limit: number,
    /** What the limit is ("the request table's size"). */
    readonly limitName: string,
  ) {
    super(`${part}: ${what} took more than ${limit} iterations (${limitName}) in one event`);
  }
}

/** Ends the current event: a loop of `part` doing `what` exceeded `limit` (`limitName`). */
export function workBoundExceeded(part: string, what: string, limit: number, limitName: string): never {
  throw new WorkBoundExceeded(part, what, limit, limitName);
}
