/**
 * Progress on a terminal (cli-progress): seeds done of the total, runs per second, findings so
 * far and the time left, on stderr, redrawn in place. Nothing at all when stderr is not a
 * terminal or the command prints JSON, so piped and captured output stays exactly the report.
 */
import cliProgress from 'cli-progress';
import { performance } from 'node:perf_hooks';

export interface Progress {
  /** `done` of the total seeds (or, for an exploration, states so far), `findings` so far. */
  update(done: number, findings: number): void;
  /** Ends the bar: erased, or with `keep` (check's rows) left on the screen as a line. */
  stop(): void;
}

const NONE: Progress = { update() {}, stop() {} };

export function progressEnabled(json: boolean | undefined): boolean {
  return !json && process.stderr.isTTY === true;
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * A bar for `total` seeds of `label` (a campaign), or, with total 0, a counter of explored
 * states (an exploration's size is unknown until it ends).
 */
export function startProgress(enabled: boolean, label: string, total: number, keep: boolean): Progress {
  if (!enabled) return NONE;
  const started = performance.now();
  const seeds = total > 0;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: seeds
        ? `${label} {bar} {value}/{total} seeds | {rate} runs/s | {findings} | {eta_formatted} left`
        : `${label} {states} states | {rate} states/s | {findings}`,
      barsize: 24,
      hideCursor: true,
      clearOnComplete: !keep,
      stopOnComplete: false,
      etaBuffer: 20,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  const payload = (done: number, findings: number) => ({
    rate: count(done / Math.max((performance.now() - started) / 1000, 1e-3)),
    findings: `${findings} finding${findings === 1 ? '' : 's'}`,
    states: count(done),
  });
  bar.start(seeds ? total : 1, 0, payload(0, 0));
  return {
    update(done, findings) {
      bar.update(seeds ? done : 0, payload(done, findings));
    },
    stop() {
      bar.stop();
    },
  };
}
