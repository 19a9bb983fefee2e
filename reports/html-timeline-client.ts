/**
 * The script of the HTML timeline page (html-timeline.ts), as text: it reads the lanes and items
 * the page embeds, draws one vis-timeline per run on the same lanes, keeps the two windows in step,
 * marks the failing step and the first difference, and fills the details pane with the trace
 * around the selected event. Plain ES5-style browser JavaScript: it runs in the page, not in Node.
 */
export const TIMELINE_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('timeline-data').textContent);
  var vis = window.vis;
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; });
  }
  function num(n) { return Number(n).toLocaleString('en-US'); }
  // The axis is simulated microseconds, drawn as milliseconds of a UTC date (1 µs = 1 "ms"). The
  // tick step is chosen here, about one label per 110 px, from steps that divide the library's
  // unit above (so ticks land on round values): 1-500 µs as milliseconds, 1-30 ms as seconds,
  // 60 ms and up as minutes, 3.6 s and up as hours.
  var TICKS = [];
  [1, 2, 5, 10, 20, 50, 100, 200, 500].forEach(function (n) { TICKS.push({ scale: 'millisecond', step: n, us: n }); });
  [1, 2, 5, 10, 20, 30].forEach(function (n) { TICKS.push({ scale: 'second', step: n, us: n * 1000 }); });
  [1, 2, 5, 10, 15, 30].forEach(function (n) { TICKS.push({ scale: 'minute', step: n, us: n * 60000 }); });
  [1, 2, 3, 6, 12].forEach(function (n) { TICKS.push({ scale: 'hour', step: n, us: n * 3600000 }); });
  var tick = TICKS[0];
  function label(date) {
    var v = date.valueOf();
    if (tick.us >= 1e6) return num(v / 1e6) + ' s';
    if (tick.us >= 1000) return num(v / 1000) + ' ms';
    return num(v) + ' µs';
  }
  function tickFor(span, width) {
    var raw = span / Math.max(1, width / 110);
    for (var i = 0; i < TICKS.length; i++) if (TICKS[i].us >= raw) return TICKS[i];
    return TICKS[TICKS.length - 1];
  }
  function axisWidth() { return Math.max(200, document.getElementById('timeline-failing').clientWidth - 170); }
  var runs = [data.failing];
  if (data.neighbour) runs.push(data.neighbour);
  var lo = Infinity, hi = -Infinity;
  runs.forEach(function (r) { r.items.forEach(function (it) { if (it.time < lo) lo = it.time; if (it.time > hi) hi = it.time; }); });
  if (lo === Infinity) { lo = 0; hi = 1; }
  var pad = Math.max(2, Math.round((hi - lo) * 0.03));
  var failTime = data.failing.violation ? data.failing.violation.time : hi;
  var failStep = data.failing.violation ? data.failing.violation.step : -1;

  /** The window that shows the last events before the failure (about 30 of them). */
  function failWindow() {
    var rows = data.failing.rows;
    var i = rows.length - 1;
    while (i > 0 && rows[i][0] > failStep && failStep >= 0) i--;
    var from = rows.length ? rows[Math.max(0, i - 30)][1] : lo;
    var span = Math.max(20, failTime - from);
    return { start: from - span * 0.05, end: failTime + span * 0.8 + 4 };
  }

  var timelines = [];
  tick = tickFor(hi - lo + 2 * pad, axisWidth()); // the first draw fits the whole run
  // vis-timeline drops clustering on any setOptions call that does not repeat it.
  var CLUSTER = { maxItems: 3, titleTemplate: '{count} events — zoom in to read them', showStipes: false, fitOnDoubleClick: true };
  var drawn = 0, expected = data.neighbour ? 2 : 1;
  function make(run, container, tag) {
    var groups = new vis.DataSet(data.lanes.map(function (l, i) {
      return { id: l.id, content: esc(l.label), title: l.title, order: i };
    }));
    var items = new vis.DataSet(run.items.map(function (it) {
      return {
        id: it.id,
        group: it.lane,
        start: it.time,
        type: 'point',
        content: '<span data-step="' + it.step + '">' + esc(it.text) + '</span>',
        title: esc(it.hover.join('\n')),
        className: it.kind + ' ev-' + it.actor,
      };
    }));
    var w = failWindow();
    // The first layout spans the whole run (the tick chosen for it); then the window moves to the
    // failure, and that move is what lets vis-timeline finish its first draw and show the timeline.
    var whole = { start: Math.max(-1, lo - pad), end: Math.max(hi, failTime) + pad };
    if (whole.start === w.start && whole.end === w.end) whole.end += 1;
    var tl = new vis.Timeline(container, items, groups, {
      start: whole.start, end: whole.end,
      onInitialDrawComplete: function () { tl.setWindow(w.start, w.end, { animation: false }); retick(); drawnOne(); },
      min: Math.max(-1, lo - pad), max: Math.max(hi, failTime) + Math.max(4 * pad, 40),
      zoomMin: 8, zoomMax: Math.max(50, (hi - lo + 2 * pad) * 1.2),
      stack: true,
      cluster: CLUSTER,
      orientation: { axis: 'top', item: 'top' },
      moment: function (d) { return vis.moment(d).utc(); },
      format: { minorLabels: label, majorLabels: function () { return ''; } },
      timeAxis: { scale: tick.scale, step: tick.step },
      showCurrentTime: false,
      showMajorLabels: false,
      margin: { item: { horizontal: 4, vertical: 3 }, axis: 4 },
      tooltip: { followMouse: true, overflowMethod: 'flip', delay: 50 },
      xss: { disabled: true },
      groupOrder: 'order',
      selectable: true,
    });
    if (run.violation) {
      tl.addCustomTime(run.violation.time, 'fail-marker');
      tl.setCustomTimeMarker('✖ ' + run.violation.check + ' at step ' + run.violation.step, 'fail-marker', false);
    }
    if (data.divergeTime !== null && data.divergeStep !== null) {
      tl.addCustomTime(data.divergeTime, 'diverge-marker');
      tl.setCustomTimeMarker('runs differ from step ' + data.divergeStep + ' ⟶', 'diverge-marker', false);
    }
    tl.setWindow(w.start, w.end, { animation: false });
    tl.on('rangechange', function (p) {
      retick();
      if (!p.byUser) return;
      timelines.forEach(function (o) { if (o !== tl) o.setWindow(p.start, p.end, { animation: false }); });
    });
    tl.on('select', function (p) {
      var picked = p.items.length ? items.get(p.items[0]) : null; // null for a cluster
      if (picked) showDetails(run, picked.id, tag);
    });
    timelines.push(tl);
    return tl;
  }

  /** Sets the tick step for a window of span µs (all timelines share it). */
  function retickFor(span) {
    var t = tickFor(span, axisWidth());
    if (t === tick) return;
    tick = t;
    timelines.forEach(function (o) { o.setOptions({ timeAxis: { scale: t.scale, step: t.step }, cluster: CLUSTER }); });
  }
  function retick() {
    if (!timelines.length) return;
    var w = timelines[0].getWindow();
    retickFor(w.end - w.start);
  }

  function showDetails(run, id, tag) {
    var item = null;
    run.items.forEach(function (it) { if (it.id === id) item = it; });
    if (!item) return;
    var rows = run.rows;
    var at = 0;
    for (var i = 0; i < rows.length; i++) if (rows[i][0] <= item.step) at = i;
    while (at > 0 && rows[at - 1][0] === item.step) at--;
    var html = '<p><b>' + esc(tag) + '</b>, step ' + item.step + ', t = ' + num(item.time) + ' µs — the trace around it (replay --trace):</p><table>';
    for (var j = Math.max(0, at - 12); j < Math.min(rows.length, at + 8); j++) {
      var r = rows[j];
      var cls = (r[0] === item.step ? 'sel' : '') + (run.violation && r[0] === run.violation.step ? ' failrow' : '');
      html += '<tr class="' + cls + '"><td>' + r[0] + '</td><td>' + num(r[1]) + ' µs</td><td>' + esc(r[2]) + '</td></tr>';
      for (var k = 0; k < r[3].length; k++) html += '<tr class="' + cls + '"><td></td><td></td><td class="ann">· ' + esc(r[3][k]) + '</td></tr>';
      if (run.violation && r[0] === run.violation.step && (j + 1 >= rows.length || rows[j + 1][0] !== r[0])) {
        html += '<tr class="failrow"><td></td><td></td><td>✖ ' + esc(run.violation.check + ' ' + run.violation.title + ': ' + run.violation.message) + '</td></tr>';
      }
    }
    document.getElementById('details-body').innerHTML = html + '</table>';
  }

  var main = make(data.failing, document.getElementById('timeline-failing'), 'failing run');
  if (data.neighbour) make(data.neighbour, document.getElementById('timeline-neighbour'), 'passing neighbour');

  function setAll(w) {
    retickFor(w.end - w.start);
    timelines.forEach(function (o) { o.setWindow(w.start, w.end, { animation: false }); });
  }
  // For scripts driving the page (and a developer's console): the vis.Timeline objects.
  window.eclipseTimelines = timelines;
  document.getElementById('go-fail').onclick = function () { setAll(failWindow()); };
  document.getElementById('go-all').onclick = function () { setAll({ start: Math.max(-1, lo - pad), end: Math.max(hi, failTime) + pad }); };
  document.getElementById('zoom-in').onclick = function () { var w = main.getWindow(); var c = (w.start.valueOf() + w.end.valueOf()) / 2, h = (w.end - w.start) / 4; setAll({ start: c - h, end: c + h }); };
  document.getElementById('zoom-out').onclick = function () { var w = main.getWindow(); var c = (w.start.valueOf() + w.end.valueOf()) / 2, h = (w.end - w.start); setAll({ start: c - h, end: c + h }); };

  var failing = null;
  data.failing.items.forEach(function (it) { if (it.kind === 'failing') failing = it; });
  if (failing) {
    showDetails(data.failing, failing.id, 'failing run');
  } else if (data.failing.items.length) {
    showDetails(data.failing, data.failing.items[data.failing.items.length - 1].id, 'failing run');
  }
  // data-ready (for tests and scripts driving the page) once every timeline has made its first
  // draw (vis-timeline keeps a timeline hidden until then) and two frames have passed.
  function drawnOne() {
    drawn++;
    if (drawn === expected) requestAnimationFrame(function () { requestAnimationFrame(function () { document.body.setAttribute('data-ready', '1'); }); });
  }
})();
`;
