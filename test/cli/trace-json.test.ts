/**
 * `replay --trace --json`: the trace as objects (README "replay"), the same events as the text
 * trace, and `--html` from replay and from run.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../helpers/cli.js';

interface TraceEventJson {
  step: number;
  time: number;
  actor: string;
  event: string;
  arguments: Record<string, number | string>;
  annotations: string[];
}

async function failingReplay(): Promise<{ dir: string; file: string; html: string | undefined }> {
  const dir = tempDir('trace-json');
  const r = await cli(['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seed', '1', '--json', '--out', 'out', '--html', 'pages'], dir);
  const doc = JSON.parse(r.stdout) as { violations: Array<{ replay: string; html?: string }> };
  return { dir, file: doc.violations[0].replay, html: doc.violations[0].html };
}

test('cli: replay --trace --json gives one object per event and fault, with named arguments and annotations', async (t) => {
  const { dir, file } = await failingReplay();
  const [json, text] = await Promise.all([cli(['replay', file, '--trace', '--json'], dir), cli(['replay', file, '--trace'], dir)]);
  t.is(json.code, 1, json.stderr);
  const doc = JSON.parse(json.stdout) as { steps: number; trace: TraceEventJson[]; violations: Array<{ step: number }> };
  for (const e of doc.trace) t.deepEqual(Object.keys(e), ['step', 'time', 'actor', 'event', 'arguments', 'annotations']);
  const events = doc.trace.filter((e) => e.actor !== 'fault');
  t.is(events.length, doc.steps, 'one object per event');
  t.deepEqual(events.map((e) => e.step), Array.from({ length: doc.steps }, (_, i) => i + 1));
  const textLines = text.stdout.split('\n').filter((l) => /^\s*\d+\s+\d+\s{2}\S/.test(l));
  t.is(doc.trace.length, textLines.length, 'the same records as the text trace');
  t.deepEqual(doc.trace[0], { step: 1, time: 1, actor: 'driver', event: 'drv.init-step', arguments: { step: 'reset' }, annotations: [] });
  const fault = doc.trace.find((e) => e.actor === 'fault');
  t.is(fault?.event, 'fault');
  t.is(fault?.arguments.kind, 'ioError');
  t.true(doc.trace.some((e) => e.event === 'drv.submit' && typeof e.arguments.client === 'number' && e.arguments.phase === 'publish'));
  const last = events[events.length - 1];
  t.is(last.step, doc.violations[0].step);
  t.true(last.annotations.some((a) => /^block: request of client \d+ \(chain \d+\) completes OK$/.test(a)), last.annotations.join('; '));
  // --last applies to the objects too.
  const tail = JSON.parse((await cli(['replay', file, '--trace', '--json', '--last', '3'], dir)).stdout) as { trace: TraceEventJson[] };
  t.deepEqual([...new Set(tail.trace.map((e) => e.step))], [doc.steps - 2, doc.steps - 1, doc.steps]);
});

test('cli: run --html DIR writes a page per finding; replay --html FILE writes one', async (t) => {
  const { dir, file, html } = await failingReplay();
  t.is(html, join('pages', 'virtio-small-reference-ioerr-as-ok-S-BLK-05-seed1.html'));
  t.true(existsSync(join(dir, html!)));
  const r = await cli(['replay', file, '--html', 'again/page.html'], dir);
  t.is(r.code, 1, r.stderr);
  t.regex(r.stdout, /timeline page: again\/page\.html/);
  const page = readFileSync(join(dir, 'again', 'page.html'), 'utf8');
  t.regex(page, /^<!doctype html>/);
  t.regex(page, /vis-timeline/i, 'the library is inlined');
  t.regex(page, /<b>✖ S-BLK-05<\/b>/);
  t.is(page, readFileSync(join(dir, html!), 'utf8'), 'the same page either way');
});

test('cli: replay --html to a place that cannot be written is a one-line error', async (t) => {
  const { dir, file } = await failingReplay();
  const r = await cli(['replay', file, '--html', join(file, 'x.html')], dir);
  t.is(r.code, 2);
  t.regex(r.stderr, /^eclipse-sim: cannot write [^\n]+\n$/);
});

test('cli: run --html to a directory that cannot be made fails at once with one line', async (t) => {
  const { dir, file } = await failingReplay();
  const r = await cli(['run', 'virtio-small', '--seed', '1', '--html', join(file, 'pages')], dir);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^eclipse-sim: --html: cannot create directory [^\n]+\n$/);
});
