/**
 * The HTML timeline in a real browser: headless Chromium (Debian's `chromium`, which .ci/run
 * installs) opens the pages the command line writes for zoo mutants' replays, offline; the DOM
 * must show every lane, the highlighted failing step and the neighbour, and a screenshot of each
 * page is kept under test-output/ (ignored by git) for a person to look at.
 *
 * Without /usr/bin/chromium the tests are skipped (reported as skipped, not passed).
 */
import test from 'ava';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { cli, tempDir } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const OUTPUT = join(REPO_ROOT, 'test-output');
const browserTest = HAVE_CHROMIUM ? test.serial : test.skip;
if (!HAVE_CHROMIUM) console.log(`${CHROMIUM} is not installed: the browser tests of the HTML timeline are skipped (apt-get install chromium)`);

let browser: Browser | undefined;

test.before(async () => {
  if (!HAVE_CHROMIUM) return;
  // Playwright starts the browser headless on a fresh temporary profile (its own --user-data-dir).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

test.after.always(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  /** Page errors, console errors and any request that is not to the file itself. */
  problems: string[];
}

/** Opens a page file offline and waits until both timelines have drawn. */
async function open(file: string): Promise<Opened> {
  const context = await browser!.newContext({ viewport: { width: 1400, height: 900 }, offline: true });
  const page = await context.newPage();
  const problems: string[] = [];
  const url = pathToFileURL(file).href;
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('request', (r) => {
    if (r.url() !== url) problems.push(`request: ${r.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 30_000 });
  return { page, problems };
}

const laneLabels = (page: Page, timeline: string) => page.$$eval(`${timeline} .vis-labelset .vis-label`, (els) => els.map((e) => (e.textContent ?? '').trim()));

async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `run <scenario> --mutant <m> --seed <s> --html` in a fresh directory: the finding's replay file and page. */
async function mutantRun(scenario: string, mutant: string, seed: number, extra: string[] = []): Promise<{ dir: string; replay: string; html: string; violation: { check: string; step: number; time: number; message: string } }> {
  const dir = tempDir('html-browser');
  const r = await cli(['run', scenario, '--mutant', mutant, '--seed', String(seed), '--json', '--out', 'out', ...extra], dir);
  const doc = JSON.parse(r.stdout) as { violations: Array<{ check: string; step: number; time: number; message: string; replay: string }> };
  const v = doc.violations[0];
  // The page of the replay file, as a user makes it.
  const html = join(dir, 'page.html');
  const replayed = await cli(['replay', v.replay, '--html', 'page.html'], dir);
  if (replayed.code !== 1) throw new Error(`replay --html: exit ${replayed.code}: ${replayed.stderr}`);
  return { dir, replay: resolve(dir, v.replay), html, violation: v };
}

browserTest('browser: ioerr-as-ok — every lane, the failing step highlighted with its message, the fault, the passing neighbour', async (t) => {
  const run = await mutantRun('virtio-small', 'ioerr-as-ok', 1);
  t.is(run.violation.check, 'S-BLK-05');
  const { page, problems } = await open(run.html);
  const lanes = ['driver', 'device', 'interrupt line', 'block clients'];
  t.deepEqual(await laneLabels(page, '#timeline-failing'), lanes);
  t.deepEqual(await laneLabels(page, '#timeline-neighbour'), lanes, 'the neighbour on the same lanes');

  const banner = await page.textContent('#violation');
  t.true(banner!.includes('S-BLK-05') && banner!.includes(run.violation.message), banner!);
  t.is(await page.getAttribute('#violation', 'data-step'), String(run.violation.step));

  // The failing step: one highlighted item, on the driver's lane, naming the check and its step.
  const failing = page.locator('#timeline-failing .vis-item.vis-point.failing');
  t.is(await failing.count(), 1);
  t.regex((await failing.textContent())!, /^✖ S-BLK-05 · drain handler$/);
  t.is(await failing.locator('[data-step]').getAttribute('data-step'), String(run.violation.step));
  t.true(await page.locator('#timeline-failing .vis-timeline').isVisible(), 'the timeline is drawn');
  t.true(await failing.isVisible(), 'the failing step is in the opening window');
  t.regex((await page.textContent('#timeline-failing .fail-marker'))!, new RegExp(`S-BLK-05 at step ${run.violation.step}`));
  // Its annotations and the check's message on hover.
  await failing.hover();
  const tip = page.locator('.vis-tooltip');
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  const tipText = (await tip.textContent())!;
  t.regex(tipText, /· block: request of client 1 \(chain 3\) completes OK/);
  t.true(tipText.includes(run.violation.message));

  // The fault that the mutant turns into a success, marked.
  const fault = page.locator('#timeline-failing .vis-item.vis-point.fault');
  t.is(await fault.count(), 1);
  t.is((await fault.textContent())!.trim(), '⚡ ioError');

  // The neighbour: the ioError choice back to 0 passes; no failing step there; the parting marked.
  const note = (await page.textContent('#neighbour-note'))!;
  t.regex(note, /^Passing neighbour: choice \d+ of \d+ \(fault\.ioError\) set from 1 back to 0 — no violation; the runs first differ at step \d+/);
  t.is(await page.locator('#timeline-neighbour .vis-item.vis-point.failing').count(), 0);
  t.regex((await page.textContent('#timeline-neighbour .diverge-marker'))!, /runs differ from step \d+/);

  // The details pane shows the trace around the failing step, that step picked out.
  t.is(await page.textContent('#details tr.sel td'), String(run.violation.step));
  t.regex((await page.textContent('#details tr.failrow:last-child'))!, /✖ S-BLK-05 /);

  // Zoom: the buttons change the window of both timelines together.
  const axis = () => page.$$eval('#timeline-failing .vis-time-axis .vis-text.vis-minor:not(.vis-measure)', (els) => els.map((e) => e.textContent).join('|'));
  const axisN = () => page.$$eval('#timeline-neighbour .vis-time-axis .vis-text.vis-minor:not(.vis-measure)', (els) => els.map((e) => e.textContent).join('|'));
  const before = await axis();
  await page.click('#zoom-in');
  await page.waitForTimeout(300);
  t.not(await axis(), before, 'zoom in changed the axis');
  t.is(await axis(), await axisN(), 'both timelines show the same window');

  // Clicking an event shows the trace around it: the fault's step picked out.
  await page.click('#go-fail');
  await page.waitForTimeout(300);
  const faultStep = await fault.locator('[data-step]').getAttribute('data-step');
  await fault.click();
  t.is(await page.textContent('#details tr.sel td'), faultStep);
  t.regex((await page.textContent('#details'))!, /! fault ioError strikes/);

  t.deepEqual(problems, [], 'no error, nothing fetched: the page works offline');
  const shot = await screenshot(page, 'html-timeline-virtio-small-ioerr-as-ok.png');
  t.true(statSync(shot).size > 20_000, shot);
  t.log(`screenshot: ${shot}`);
  await page.context().close();
});

browserTest('browser: publish-before-fill — the failing step on the default path, and the page says there is no neighbour', async (t) => {
  const run = await mutantRun('virtio-small', 'publish-before-fill', 1);
  t.is(run.violation.check, 'S-VQ-07');
  const { page, problems } = await open(run.html);
  // Fourteen events: the driver initialises, the clients start, the driver publishes too early.
  t.deepEqual(await laneLabels(page, '#timeline-failing'), ['driver', 'block clients']);
  const failing = page.locator('#timeline-failing .vis-item.vis-point.failing');
  t.is(await failing.count(), 1);
  t.regex((await failing.textContent())!, /^✖ S-VQ-07 · submit client=0 publish$/);
  t.true(await failing.isVisible(), 'the failing step is in the opening window');
  t.regex((await page.textContent('#neighbour-note'))!, /^no neighbour: this run makes no non-default choice/);
  t.is(await page.locator('#timeline-neighbour').count(), 0);
  t.deepEqual(problems, []);
  t.log(`screenshot: ${await screenshot(page, 'html-timeline-virtio-small-publish-before-fill.png')}`);
  await page.context().close();
});

browserTest('browser: ipc-dead-peer-blocks — CPU lanes per PID, IPC and init’s services', async (t) => {
  const run = await mutantRun('service-crash-loop', 'ipc-dead-peer-blocks', 2, ['--no-shrink']);
  t.is(run.violation.check, 'S-IPC-03');
  const { page, problems } = await open(run.html);
  const lanes = await laneLabels(page, '#timeline-failing');
  for (const lane of ['driver', 'device', 'interrupt line', 'CPU · PID 1 (svcinit)', 'CPU · PID 2 (filesystem)', 'IPC', 'init · filesystem', 'init · network', 'init · display', 'init · audio', 'init · input', 'timer (IRQ0)']) {
    t.true(lanes.includes(lane), `lane ${lane} (have: ${lanes.join(', ')})`);
  }
  const failing = page.locator('#timeline-failing .vis-item.vis-point.failing');
  t.is(await failing.count(), 1);
  t.regex((await failing.textContent())!, /^✖ S-IPC-03 · /);
  t.true(await failing.isVisible(), 'the failing step is in the opening window');
  t.true((await page.locator('#timeline-failing .vis-item.vis-point.ev-ipc').count()) > 0, 'IPC items in the opening window');
  // The page opens on the last events before the failure, not on the whole run.
  const [from, to] = await page.evaluate(() => {
    const w = (window as unknown as { eclipseTimelines: Array<{ getWindow(): { start: Date; end: Date } }> }).eclipseTimelines[0].getWindow();
    return [w.start.valueOf(), w.end.valueOf()];
  });
  t.true(from < run.violation.time && run.violation.time < to && to - from < run.violation.time / 10, `window ${from}..${to} µs, failure at ${run.violation.time} µs`);
  t.log(`screenshot: ${await screenshot(page, 'html-timeline-service-crash-loop-ipc-dead-peer-blocks.png')}`);
  // The whole run (hundreds of milliseconds) gathers crowded stretches into counts, on an axis in ms.
  await page.click('#go-all');
  await page.locator('#timeline-failing .vis-item.vis-cluster').first().waitFor({ timeout: 10_000 });
  const labels = await page.$$eval('#timeline-failing .vis-time-axis .vis-text.vis-minor:not(.vis-measure)', (els) => els.map((e) => e.textContent ?? ''));
  t.true(labels.length > 2 && labels.every((l) => /^-?[\d,.]+ ms$/.test(l)), labels.join(' | '));
  t.log(`screenshot: ${await screenshot(page, 'html-timeline-service-crash-loop-ipc-dead-peer-blocks-whole.png')}`);
  t.deepEqual(problems, []);
  await page.context().close();
});
