/**
 * Ctrl-C during a long campaign or exploration: the first SIGINT asks the work to stop at the
 * next slice boundary, so what was found is still reported and written; a second one exits.
 */
let requested = false;
let installed = false;

export function watchInterrupt(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', () => {
    if (requested) process.exit(130);
    requested = true;
    process.stderr.write('\neclipse-sim: interrupted; finishing the current slice and writing what was found (Ctrl-C again to quit)\n');
  });
}

export function interrupted(): boolean {
  return requested;
}

/** Lets pending signals be handled between slices of synchronous work. */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
