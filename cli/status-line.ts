/**
 * A status line on a terminal: rewritten in place (carriage return, erase line) at most once per
 * interval, and erased when the work is done, so the report that follows starts on a clean line.
 * It writes nothing at all unless the stream is a terminal and the caller wants it (not --json),
 * so piped and machine-readable output never carry it.
 */
import { performance } from 'node:perf_hooks';

/** How often the line is refreshed; ECLIPSE_SIM_PROGRESS_MS changes it (tests use 0: every slice). */
function intervalMs(): number {
  const v = Number(process.env.ECLIPSE_SIM_PROGRESS_MS);
  return process.env.ECLIPSE_SIM_PROGRESS_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : 1000;
}

export class StatusLine {
  private readonly enabled: boolean;
  private readonly interval = intervalMs();
  private readonly started = performance.now();
  private last = this.started;
  private shown = false;

  constructor(
    wanted: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.enabled = wanted && stream.isTTY === true;
  }

  /** Seconds since the line was made. */
  elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  /**
   * Calls `render(sinceLast)` and writes its line if an interval has passed since the last one
   * (`sinceLast`: seconds since the previous line, or the start).
   */
  tick(render: (sinceLast: number) => string): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (now - this.last < this.interval) return;
    const since = (now - this.last) / 1000;
    this.last = now;
    const width = Math.max(20, (this.stream.columns || 80) - 1);
    const text = render(since);
    this.stream.write(`\r\x1b[2K${text.length > width ? text.slice(0, width) : text}`);
    this.shown = true;
  }

  /** Erases the line (if one is shown). */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
