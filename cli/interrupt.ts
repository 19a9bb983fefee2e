/**
 * Ctrl-C (SIGINT) or SIGTERM during a long campaign or exploration: the first signal asks the work
 * to stop at the next slice boundary, so what was found is still shrunk, reported and written
 * (exit 1 if something was found, else 130). It also gives both signals back their default action,
 * so a second one ends the process at once, even in the middle of a long synchronous step
 * (shrinking), where no JavaScript handler could run. That leaves no half-written file: every file
 * is written to a temporary name and renamed into place (cli/atomic-write.ts), so a write cut
 * short leaves at most a stray `.<name>.<pid>-<n>.tmp`.
 */
let requested = false;
let installed = false;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

function onSignal(name: NodeJS.Signals): void {
  requested = true;
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.stderr.write(`\neclipse-sim: ${name === 'SIGINT' ? 'interrupted' : `${name} received`}; finishing the current slice and writing what was found (again to quit at once)\n`);
}

export function watchInterrupt(): void {
  if (installed) return;
  installed = true;
  for (const s of SIGNALS) process.on(s, onSignal);
}

export function interrupted(): boolean {
  return requested;
}

/** Lets pending signals be handled between slices of synchronous work. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
