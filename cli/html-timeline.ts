/**
 * Writing HTML timeline pages (reports/html-timeline.ts): reads the timeline library's standalone
 * build and stylesheet from node_modules once, replays the document, and writes the page.
 */
import { writeFileAtomic } from './atomic-write.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import type { ReplayFile } from '../scenarios/replay-file.js';
import { timelineHtml, type TimelineAssets } from '../reports/html-timeline.js';
import { timelineOf } from '../reports/timeline-data.js';
import { InputError, type Finding } from '../scenarios/operations.js';
import { replayImage } from './files.js';
let assets: TimelineAssets | null = null;

/** vis-timeline's standalone UMD build (it brings its own moment and vis-data) and its CSS. */
function timelineAssets(): TimelineAssets {
  if (assets) return assets;
  const require = createRequire(import.meta.url);
  const read = (spec: string) => readFileSync(require.resolve(spec), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/\/\*# sourceMappingURL=\S+ \*\/\s*$/, '');
  assets = { script: read('vis-timeline/standalone/umd/vis-timeline-graph2d.min.js'), style: read('vis-timeline/styles/vis-timeline-graph2d.min.css') };
  return assets;
}

/** Replays `doc` (and its passing neighbour) and writes the page to `path`. */
export function writeTimelinePage(path: string, doc: ReplayFile, source: string, image?: string): void {
  const html = timelineHtml(timelineOf(doc, source, replayImage(doc, source, image)), timelineAssets());
  try {
    writeFileAtomic(path, html);
  } catch (e) {
    throw new InputError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * `--html DIR` of run, explore and check: a page per finding, named like its replay file
 * (`….replay.json` → `….html`); returns the pages' paths (all undefined without `dir`).
 */
export function writeFindingPages(dir: string | undefined, findings: readonly Finding[], replayPaths: readonly string[]): Array<string | undefined> {
  return findings.map((f, i) => {
    if (!dir) return undefined;
    const path = join(dir, basename(replayPaths[i]).replace(/\.replay\.json$/, '') + '.html');
    writeTimelinePage(path, f.replay, replayPaths[i]);
    return path;
  });
}

/** Makes the `--html DIR` directory before a campaign starts, so a bad path fails before any work. */
export function prepareHtmlDir(dir: string | undefined): void {
  if (!dir) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new InputError(`--html: cannot create directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
