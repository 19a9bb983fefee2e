/**
 * Ctrl-C (SIGINT) or SIGTERM during a long campaign or exploration: the first signal asks the work
 * to stop at the next slice boundary, so what was found is still shrunk, reported and written
 * (exit 1 if something was found, else 130); a second one exits at once with 130. Files are written
 * synchronously and atomically (cli/atomic-write.ts), and a signal is handled only between
 * JavaScript tasks, so even the second signal never leaves a half-written file.
 */
let requested = false;
let installed = false;

export function watchInterrupt(): void {
  if (installed) return;
  installed = true;
  const onSignal = (name: NodeJS.Signals) => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write(`\neclipse-sim: ${name === 'SIGINT' ? 'interrupted' : `${name} received`}; finishing the current slice and writing what was found (again to quit at once)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function interrupted(): boolean {
  return requested;
}

/** Lets pending signals be handled between slices of synchronous work. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
