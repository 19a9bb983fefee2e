/**
 * The HTML timeline of a run (`replay --html`, `run`/`check --html DIR`): one self-contained page,
 * the timeline library (vis-timeline's standalone build) and its stylesheet inlined, so it opens
 * offline. A lane per actor — driver, device, interrupt line, block clients, file system, the CPU
 * per PID, IPC, each of init's services, the timer, power — events on the simulated-time axis,
 * faults in red on the lane of the event they struck in, the annotations of each step on hover,
 * the failing step highlighted with the check's message, and the passing neighbour
 * (timeline-data.ts) drawn under it on the same lanes and the same window.
 *
 * This module lays the runs out as lanes and items (what is where, in words); the page's script
 * (html-timeline-client.ts) only hands them to the library and wires zoom, selection and the
 * details pane.
 */
import { SERVICE_NAMES } from '../model/proc/abi.js';
import type { TimelineDocument, TimelineRun } from './timeline-data.js';
import type { TraceEvent } from './trace-events.js';
import { formatArguments } from './trace-text.js';
import { TIMELINE_CLIENT_SCRIPT } from './html-timeline-client.js';

/** The timeline library, read by cli/ from node_modules. */
export interface TimelineAssets {
  script: string;
  style: string;
}

export interface Lane {
  id: string;
  label: string;
  /** Hover text of the lane's label. */
  title: string;
}

export interface LaneItem {
  id: string;
  lane: string;
  /** Simulated time, µs. */
  time: number;
  step: number;
  /** Short text drawn on the timeline (plain text). */
  text: string;
  /** Hover lines (plain text): step and time, the event, what the step did. */
  hover: string[];
  /** event | fault | note (an annotation drawn on another lane) | failing (the failing step's event). */
  kind: 'event' | 'fault' | 'note' | 'failing';
  actor: string;
}

/** One run laid out: its items, and the index of its events for the details pane. */
export interface LaidOutRun {
  items: LaneItem[];
  /** Every event drawn, as a line of the text trace, for the details pane: [step, time, text, annotations]. */
  rows: Array<[number, number, string, string[]]>;
}

const FIXED_LANES: Record<string, [string, string]> = {
  driver: ['driver', 'the VirtIO block driver: init steps, submit phases, notify, interrupt handler, drain, polls'],
  device: ['device', 'the VirtIO block device: fetch, I/O done, used-ring publishing, notification checks'],
  irq: ['interrupt line', 'interrupt delivery, moderation, spurious interrupts'],
  client: ['block clients', 'the block-request clients: next request, completion'],
  fs: ['file system', 'EclipseFS clients and calls'],
  ipc: ['IPC', 'messages sent, received, dropped; receive timeouts'],
  timer: ['timer (IRQ0)', 'timer ticks'],
  power: ['power', 'power loss and reboot'],
  kernel: ['kernel', 'kernel panics'],
  faults: ['faults', 'faults that struck outside any event'],
};
const LANE_ORDER = ['driver', 'device', 'irq', 'client', 'fs'];
const LATE_LANES = ['timer', 'power', 'kernel', 'faults'];

/** The lane an annotation topic (trace-annotations.ts probeTopic) is drawn on, or null (hover only). */
function topicLane(topic: string): string | null {
  if (topic === 'ipc' || topic === 'fs' || topic === 'power' || topic === 'kernel') return topic;
  if (topic === 'block') return 'client';
  if (topic.startsWith('service:')) return topic;
  return null;
}

/** The lane of an event (faults go to the lane of the event whose step they struck in). */
function eventLane(e: TraceEvent): string {
  if (e.actor === 'cpu') return `cpu:${e.arguments.pid}`;
  return e.actor;
}

function short(event: string): string {
  const dot = event.indexOf('.');
  return dot >= 0 ? event.slice(dot + 1) : event;
}

/** An annotation without the words its lane already says. */
function noteText(lane: string, line: string): string {
  if (lane === 'ipc') return line.replace(/^IPC: /, '');
  if (lane === 'fs') return line.replace(/^fs: /, '');
  if (lane === 'client') return line.replace(/^block: /, '');
  if (lane.startsWith('service:')) return line.replace(/^init: \S+ /, '');
  return line;
}

/** A process's line without its PID (the lane says it). */
function procText(pid: string, line: string): string {
  return line.startsWith(`PID ${pid}: `) ? line.slice(`PID ${pid}: `.length) : line;
}

/** Item text stays short on the timeline; the hover has it all. */
function clip(s: string): string {
  return s.length > 56 ? `${s.slice(0, 55)}…` : s;
}

function eventLine(e: TraceEvent): string {
  if (e.actor === 'fault') return `fault ${e.arguments.kind} strikes (detail ${e.arguments.detail})`;
  const args = formatArguments(e.arguments);
  return `${e.actor} · ${e.event}${args ? ` ${args}` : ''}`;
}

/** The run's events and annotations as lane items. */
export function layOut(run: TimelineRun, prefix: string): LaidOutRun {
  const items: LaneItem[] = [];
  const rows: LaidOutRun['rows'] = [];
  const laneOfStep = new Map<number, string>();
  for (const e of run.events) if (e.actor !== 'fault' && e.actor !== 'note') laneOfStep.set(e.step, eventLane(e));
  const failStep = run.violation?.step ?? -1;
  let n = 0;
  for (const e of run.events) {
    const head = `step ${e.step} · t = ${e.time} µs`;
    if (e.actor === 'fault' || e.actor === 'note') {
      const lane = laneOfStep.get(e.step) ?? 'faults';
      const text = e.actor === 'fault' ? `⚡ ${e.arguments.kind}` : `note ${formatArguments(e.arguments)}`;
      items.push({ id: `${prefix}${n++}`, lane, time: e.time, step: e.step, text, hover: [head, eventLine(e)], kind: 'fault', actor: e.actor });
      rows.push([e.step, e.time, `! ${eventLine(e)}`, []]);
      continue;
    }
    const lane = eventLane(e);
    const failing = e.step === failStep;
    let text = [short(e.event), ...Object.entries(e.arguments).map(([k, x]) => (typeof x === 'string' ? x : `${k}=${x}`))].join(' ');
    if (e.actor === 'cpu') {
      // A CPU step reads as what the process did in it.
      const pid = String(e.arguments.pid);
      const own = e.annotations.filter((_, i) => e.topics[i] === 'proc' && !e.annotations[i].startsWith('scheduler:'));
      text = own.length ? own.map((l) => procText(pid, l)).join('; ') : 'runs';
    }
    const hover = [head, eventLine(e), ...e.annotations.map((l) => `· ${l}`)];
    if (failing && run.violation) hover.push(`✖ ${run.violation.check} ${run.violation.title}: ${run.violation.message}`);
    text = clip(text);
    items.push({ id: `${prefix}${n++}`, lane, time: e.time, step: e.step, text: failing ? `✖ ${run.violation!.check} · ${text}` : text, hover, kind: failing ? 'failing' : 'event', actor: e.actor });
    rows.push([e.step, e.time, eventLine(e), e.annotations]);
    e.annotations.forEach((line, i) => {
      const other = topicLane(e.topics[i]);
      if (other === null || other === lane) return;
      items.push({ id: `${prefix}${n++}`, lane: other, time: e.time, step: e.step, text: clip(noteText(other, line)), hover: [head, line, `(during ${eventLine(e)})`], kind: 'note', actor: other.startsWith('service:') ? 'service' : other });
    });
  }
  return { items, rows };
}

/** The lanes of the runs' items, in a fixed order: hardware first, then processes, IPC, services. */
export function lanesOf(runs: readonly LaidOutRun[], docs: readonly TimelineRun[]): Lane[] {
  const used = new Set<string>();
  for (const r of runs) for (const it of r.items) used.add(it.lane);
  // Program names of each PID, from its exec lines (timeline-data.ts).
  const programs = new Map<string, string[]>();
  for (const d of docs)
    for (const [pid, names] of Object.entries(d.programs)) {
      const known = programs.get(pid) ?? [];
      for (const n of names) if (!known.includes(n)) known.push(n);
      programs.set(pid, known);
    }
  const lanes: Lane[] = [];
  const fixed = (id: string) => {
    if (used.has(id)) lanes.push({ id, label: FIXED_LANES[id]?.[0] ?? id, title: FIXED_LANES[id]?.[1] ?? id });
  };
  LANE_ORDER.forEach(fixed);
  const pids = [...used].filter((l) => l.startsWith('cpu:')).map((l) => Number(l.slice(4))).sort((a, b) => a - b);
  for (const pid of pids) {
    const names = programs.get(String(pid));
    lanes.push({ id: `cpu:${pid}`, label: `CPU · PID ${pid}${names ? ` (${names.join(' → ')})` : ''}`, title: `the CPU steps of PID ${pid}, each with what the process did in it` });
  }
  fixed('ipc');
  for (const name of SERVICE_NAMES) if (used.has(`service:${name}`)) lanes.push({ id: `service:${name}`, label: `init · ${name}`, title: `init's service table: ${name}'s state changes` });
  for (const l of [...used].filter((x) => x.startsWith('service:') && !SERVICE_NAMES.includes(x.slice(8)))) lanes.push({ id: l, label: `init · ${l.slice(8)}`, title: l });
  LATE_LANES.forEach(fixed);
  for (const l of used) if (!lanes.some((x) => x.id === l)) lanes.push({ id: l, label: l, title: l });
  return lanes;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (n: number) => n.toLocaleString('en-US');

function runSummary(run: TimelineRun): string {
  const parts = [`${fmt(run.steps)} events to t = ${fmt(run.time)} µs`, `${fmt(run.choices)} choice${run.choices === 1 ? '' : 's'}`, `trace hash ${run.traceHash}`];
  if (run.omittedBefore || run.omittedAfter) {
    const shown = run.events.length;
    parts.push(`drawn: ${fmt(shown)} records${run.omittedBefore ? `, the first ${fmt(run.omittedBefore)} left out` : ''}${run.omittedAfter ? `, the last ${fmt(run.omittedAfter)} left out` : ''} (replay --trace prints them all)`);
  }
  if (run.outcome) parts.push(`ended: ${run.outcome}`);
  return parts.join(' · ');
}

/** The page. */
export function timelineHtml(doc: TimelineDocument, assets: TimelineAssets): string {
  const fail = layOut(doc.failing, 'f');
  const nb = doc.neighbour ? layOut(doc.neighbour, 'n') : null;
  const lanes = lanesOf(nb ? [fail, nb] : [fail], doc.neighbour ? [doc.failing, doc.neighbour] : [doc.failing]);
  const v = doc.failing.violation;
  const nv = doc.neighbour?.violation ?? null;
  const title = `${doc.scenario} ${doc.profile}${doc.mutants.length ? ` +${doc.mutants.join('+')}` : ''}${v ? ` — ${v.check}` : ''}`;
  const divergeTime = doc.divergeStep === null ? null : (doc.failing.events.find((e) => e.step >= doc.divergeStep!)?.time ?? null);
  const data = {
    lanes,
    failing: { ...fail, violation: v, end: doc.failing.time },
    neighbour: nb && doc.neighbour ? { ...nb, violation: nv, end: doc.neighbour.time } : null,
    divergeStep: doc.divergeStep,
    divergeTime,
  };
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const meta = [
    ['scenario', doc.scenario],
    ['profile', doc.profile],
    ['mutants', doc.mutants.length ? doc.mutants.join(', ') : 'none'],
    ['seed', doc.seed === null ? 'exploration' : String(doc.seed)],
    ['replay file', doc.source],
  ];
  const banner = v
    ? `<div id="violation" class="banner bad" data-step="${v.step}"><b>✖ ${escapeHtml(v.check)}</b> ${escapeHtml(v.title)}<br>step <b>${v.step}</b>, t = ${fmt(v.time)} µs: ${escapeHtml(v.message)}${doc.recorded ? `<br><small>${doc.reproduced ? `reproduces the recorded ${escapeHtml(doc.recorded.check)} at step ${doc.recorded.step}` : `the file recorded ${escapeHtml(doc.recorded.check)} at step ${doc.recorded.step}: not reproduced`}</small>` : ''}</div>`
    : `<div id="violation" class="banner ok">no violation in this run${doc.recorded ? ` (the file recorded ${escapeHtml(doc.recorded.check)} at step ${doc.recorded.step}: not reproduced — has the model changed?)` : ''}</div>`;
  let neighbourHead: string;
  if (!doc.neighbour) {
    neighbourHead = `<div id="neighbour-note" class="banner note">${escapeHtml(doc.neighbourNote)}</div>`;
  } else if (nv) {
    neighbourHead = `<div id="neighbour-note" class="banner warn"><b>The neighbour still fails</b> (${escapeHtml(doc.neighbourNote)}): <b>${escapeHtml(nv.check)}</b> ${escapeHtml(nv.title)} at step ${nv.step}, t = ${fmt(nv.time)} µs: ${escapeHtml(nv.message)}${doc.divergeStep !== null ? `; the runs first differ at step <b>${doc.divergeStep}</b> (blue line)` : '; its trace is the same as the failing run’s up to the failure'}</div>`;
  } else {
    neighbourHead = `<div id="neighbour-note" class="banner ok"><b>Passing neighbour</b>: ${escapeHtml(doc.neighbourNote)} — no violation${doc.neighbour.outcome ? ` (${escapeHtml(doc.neighbour.outcome)})` : ''}; ${doc.divergeStep !== null ? `the runs first differ at step <b>${doc.divergeStep}</b> (blue line)` : 'the traces agree up to the failing step'}</div>`;
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="eclipse-sim">
<title>${escapeHtml(title)}</title>
<style>${assets.style}</style>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header>
<h1>eclipse-sim · ${escapeHtml(title)}</h1>
<dl class="meta">${meta.map(([k, x]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(x)}</dd>`).join('')}</dl>
${banner}
<div class="controls"><button id="go-fail" type="button">failing step</button><button id="go-all" type="button">whole run</button><button id="zoom-in" type="button">zoom in</button><button id="zoom-out" type="button">zoom out</button>
<span class="hint">drag to pan, wheel to zoom, hover an event for what its step did, click it for the trace around it; time axis: simulated µs</span></div>
<div class="legend"><span class="k ev-driver">driver</span><span class="k ev-device">device</span><span class="k ev-irq">interrupt</span><span class="k ev-client">client</span><span class="k ev-fs">fs</span><span class="k ev-cpu">CPU</span><span class="k ev-ipc">IPC</span><span class="k ev-service">service</span><span class="k fault">⚡ fault</span><span class="k failing">✖ failing step</span></div>
</header>
<section class="run" id="failing-run">
<h2>Failing run <small>${escapeHtml(runSummary(doc.failing))}</small></h2>
<div id="timeline-failing" class="timeline"></div>
</section>
<section class="run" id="neighbour-run">
<h2>Neighbour: the same run with its last non-zero choice set back to 0${doc.neighbour ? ` <small>${escapeHtml(runSummary(doc.neighbour))}</small>` : ''}</h2>
${neighbourHead}
${doc.neighbour ? '<div id="timeline-neighbour" class="timeline"></div>' : ''}
</section>
<section id="details"><h2>Selected step</h2><div id="details-body"></div></section>
<script id="timeline-data" type="application/json">${json}</script>
<script>${assets.script}</script>
<script>${TIMELINE_CLIENT_SCRIPT}</script>
</body>
</html>
`;
}

const PAGE_STYLE = `
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 16px 24px; color: #1d2330; background: #fff; }
h1 { font-size: 17px; margin: 12px 0 6px; }
h2 { font-size: 14px; margin: 14px 0 6px; }
h2 small { font-weight: normal; color: #5b6475; margin-left: 8px; }
dl.meta { display: flex; flex-wrap: wrap; gap: 2px 16px; margin: 0 0 8px; color: #5b6475; }
dl.meta dt { font-weight: 600; } dl.meta dt::after { content: ":"; } dl.meta dd { margin: 0 0 0 -12px; font-family: ui-monospace, monospace; }
.banner { padding: 7px 10px; border-radius: 4px; margin: 6px 0; }
.banner.bad { background: #fdecec; border-left: 4px solid #c62828; }
.banner.ok { background: #eaf6ec; border-left: 4px solid #2e7d32; }
.banner.warn { background: #fff4e0; border-left: 4px solid #e08600; }
.banner.note { background: #eef2f8; border-left: 4px solid #5b6b8c; }
.controls { margin: 6px 0; } .controls button { margin-right: 6px; font: inherit; padding: 2px 10px; }
.hint { color: #6b7385; margin-left: 8px; }
.legend { margin: 4px 0 0; } .legend .k { display: inline-block; padding: 0 7px; margin-right: 5px; border-radius: 3px; border: 1px solid; font-size: 12px; }
.timeline { border: 1px solid #c9cfdb; }
.vis-timeline { font-size: 12px; }
.vis-labelset .vis-label .vis-inner { font-weight: 600; padding: 3px 8px; min-width: 150px; }
.vis-item { border-radius: 3px; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; }
.vis-item.vis-point .vis-item-content { padding: 0 3px; }
.vis-item .vis-item-content { padding: 1px 4px; }
.vis-item.vis-point { padding: 0 1px; border: 1px solid; }
.vis-item.vis-dot { border-width: 3px; }
.vis-item.vis-point.ev-driver, .legend .k.ev-driver { background: #e3ecfb; border-color: #3b6fd1; color: #123a86; }
.vis-item.vis-point.ev-device, .legend .k.ev-device { background: #e6f4ea; border-color: #2e8b4a; color: #14532d; }
.vis-item.vis-point.ev-irq, .legend .k.ev-irq { background: #fff1dc; border-color: #d98a00; color: #6b4300; }
.vis-item.vis-point.ev-client, .legend .k.ev-client, .vis-item.vis-point.ev-block, .legend .k.ev-block { background: #f1e8fb; border-color: #7b4cc2; color: #41206f; }
.vis-item.vis-point.ev-fs, .legend .k.ev-fs { background: #e2f5f6; border-color: #1d8d97; color: #0c4a50; }
.vis-item.vis-point.ev-cpu, .legend .k.ev-cpu { background: #eef0f4; border-color: #6b7385; color: #262b36; }
.vis-item.vis-point.ev-ipc, .legend .k.ev-ipc { background: #fbe9f2; border-color: #c2417e; color: #6e1740; }
.vis-item.vis-point.ev-service, .legend .k.ev-service { background: #fff8d6; border-color: #b59500; color: #554500; }
.vis-item.vis-point.ev-timer, .legend .k.ev-timer, .vis-item.vis-point.ev-power, .legend .k.ev-power, .vis-item.vis-point.ev-kernel, .legend .k.ev-kernel, .vis-item.vis-point.ev-note, .legend .k.ev-note, .vis-item.vis-point.ev-faults, .legend .k.ev-faults { background: #f3f3f3; border-color: #888; color: #333; }
.vis-item.vis-dot.ev-driver { border-color: #3b6fd1; }
.vis-item.vis-dot.ev-device { border-color: #2e8b4a; }
.vis-item.vis-dot.ev-irq { border-color: #d98a00; }
.vis-item.vis-dot.ev-client, .vis-item.vis-dot.ev-block { border-color: #7b4cc2; }
.vis-item.vis-dot.ev-fs { border-color: #1d8d97; }
.vis-item.vis-dot.ev-cpu { border-color: #6b7385; }
.vis-item.vis-dot.ev-ipc { border-color: #c2417e; }
.vis-item.vis-dot.ev-service { border-color: #b59500; }
.vis-item.vis-dot.ev-timer, .vis-item.vis-dot.ev-power, .vis-item.vis-dot.ev-kernel, .vis-item.vis-dot.ev-note, .vis-item.vis-dot.ev-faults { border-color: #888; }
.vis-item.vis-point.note { border-style: dashed; }
.vis-item.vis-point.fault, .legend .fault { background: #c62828; border-color: #7f0000; color: #fff; font-weight: 600; }
.vis-item.vis-dot.fault { border-color: #c62828; }
.vis-item.vis-point.failing, .legend .failing { background: #c62828; border: 2px solid #000; color: #fff; font-weight: 700; box-shadow: 0 0 0 3px #ffb3b3; z-index: 5; }
.vis-item.vis-dot.failing { border-color: #000; }
.vis-item.vis-point.vis-selected { box-shadow: 0 0 0 3px #ffd54a; }
.vis-custom-time.fail-marker { background-color: #c62828; width: 2px; pointer-events: none; }
.vis-custom-time.diverge-marker { background-color: #1565c0; width: 2px; pointer-events: none; }
.vis-custom-time-marker { font-size: 11px; padding: 1px 4px; white-space: nowrap; }
.fail-marker .vis-custom-time-marker { background: #c62828; color: #fff; }
.diverge-marker .vis-custom-time-marker { background: #1565c0; color: #fff; left: auto !important; right: 0; }
.vis-cluster { background: #dfe3ea; border-color: #8a93a6; color: #333; }
div.vis-tooltip { font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre; max-width: 900px; }
#details table { border-collapse: collapse; font: 12px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; }
#details td { padding: 1px 10px 1px 0; vertical-align: top; white-space: pre; }
#details tr.sel td { background: #fff3c4; font-weight: 700; }
#details tr.failrow td { color: #b00020; }
#details td.ann { color: #5b6475; }
`;
