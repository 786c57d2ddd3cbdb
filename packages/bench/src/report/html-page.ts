/**
 * The self-contained HTML page every report uses: inline CSS, Chart.js's UMD build inlined (so the
 * page works offline, from a file or an e-mail attachment), the data as inline JSON, and one small
 * script that draws the charts. Charts are registered on `window.gcCharts` (by canvas id) and
 * `document.body.dataset.chartsReady` is set once they are drawn (used by the browser test).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml } from './format';

/** A Chart.js chart configuration (plain JSON: no functions, so it can be inlined as data). */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly config: Record<string, unknown>;
}

let chartLib: string | undefined;

/** Chart.js's UMD bundle (`chart.js/dist/chart.umd.js`). */
function chartJsSource(): string {
  if (chartLib === undefined) {
    const main = require.resolve('chart.js'); // dist/chart.cjs; the UMD build sits beside it
    chartLib = fs.readFileSync(path.join(path.dirname(main), 'chart.umd.js'), 'utf8');
  }
  return chartLib;
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#5b6475;margin-bottom:16px}
table{border-collapse:collapse;background:#fff;width:100%;margin:8px 0}
th,td{border:1px solid #dde1e8;padding:5px 9px;text-align:left}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
th{background:#eef1f5}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
.card{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:12px}
.card h3{margin:0 0 8px;font-size:14px}
canvas{width:100%!important;height:280px!important}
.warn{background:#fff7e0;border:1px solid #f0d080;border-radius:6px;padding:8px 12px;margin:4px 0}
.ok{color:#1a7f37}.bad{color:#b42318}
details{margin:8px 0}summary{cursor:pointer;color:#3b4a66;padding:4px 0}
footer{color:#7a8394;font-size:12px;margin-top:32px}
`;

/*
 * Draws the charts. Two small plugins, enabled per chart in options.plugins: gcPointLabels writes
 * each data point's `label` beside it (scatter), gcValueLabels writes each bar's value on top of it.
 * A data point's `tooltip` string replaces the default tooltip line. What they wrote is kept on
 * `chart.$gcLabels` for the browser test. A logarithmic axis is labelled at 1, 2 and 5 times each
 * power of ten only (Chart.js labels 1..9 and skips some where they crowd: irregular steps).
 */
const DRAW = `
(function(){
  var specs = JSON.parse(document.getElementById('gc-chart-specs').textContent);
  window.gcCharts = {};
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  function eachElement(chart, fn) {
    chart.data.datasets.forEach(function(ds, i) {
      var meta = chart.getDatasetMeta(i);
      if (meta.hidden) return;
      meta.data.forEach(function(el, j) { fn(ds.data[j], el); });
    });
  }
  Chart.register({
    id: 'gcPointLabels',
    defaults: { display: false },
    afterDatasetsDraw: function(chart, args, opts) {
      if (!opts.display) return;
      var ctx = chart.ctx, area = chart.chartArea, drawn = [], boxes = [], h = 14;
      ctx.save();
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillStyle = '#1d2330';
      ctx.textBaseline = 'bottom';
      function free(b) {
        return boxes.every(function(o) { return b.r < o.l || b.l > o.r || b.b < o.t || b.t > o.b; });
      }
      eachElement(chart, function(p, el) {
        if (!p || typeof p.label !== 'string') return;
        var w = ctx.measureText(p.label).width, right = el.x + 8 + w <= area.right;
        var x = right ? el.x + 8 : el.x - 8 - w;
        // beside the point, else the nearest free row above or below it (close points do not overprint)
        var offsets = [-4, h, -4 - h, 2 * h, -4 - 2 * h, 3 * h], box = null;
        for (var k = 0; k < offsets.length && !box; k++) {
          var y = Math.min(area.bottom, Math.max(area.top + h, el.y + offsets[k]));
          var b = { l: x, r: x + w, t: y - h, b: y };
          if (free(b) || k === offsets.length - 1) box = b;
        }
        boxes.push(box);
        ctx.textAlign = 'left';
        ctx.fillText(p.label, box.l, box.b);
        drawn.push(p.label);
      });
      ctx.restore();
      chart.$gcLabels = drawn;
    }
  });
  Chart.register({
    id: 'gcValueLabels',
    defaults: { display: false },
    afterDatasetsDraw: function(chart, args, opts) {
      if (!opts.display) return;
      var ctx = chart.ctx, drawn = [];
      ctx.save();
      ctx.font = '12px system-ui, sans-serif';
      ctx.fillStyle = '#1d2330';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      eachElement(chart, function(v, el) {
        if (typeof v !== 'number') return;
        var text = v >= 100 ? v.toFixed(0) : v.toFixed(1);
        ctx.fillText(text, el.x, el.y - 3);
        drawn.push(text);
      });
      ctx.restore();
      chart.$gcLabels = drawn;
    }
  });
  function logTick(v) {
    if (!(v > 0)) return '';
    var p = Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    var m = v / p;
    var near = Math.round(m);
    if (Math.abs(m - near) > 1e-6 || [1, 2, 5].indexOf(near) < 0) return '';
    return String(Number(v.toPrecision(3)));
  }
  function tooltipLine(ctx) {
    var raw = ctx.raw;
    return raw && typeof raw === 'object' && typeof raw.tooltip === 'string' ? raw.tooltip : undefined;
  }
  specs.forEach(function(s){
    var el = document.getElementById(s.id);
    if (!el) return;
    var o = s.config.options = s.config.options || {};
    o.plugins = o.plugins || {};
    o.plugins.tooltip = o.plugins.tooltip || {};
    o.plugins.tooltip.callbacks = { label: tooltipLine };
    Object.keys(o.scales || {}).forEach(function(k) {
      var sc = o.scales[k];
      if (sc.type === 'logarithmic') sc.ticks = Object.assign({}, sc.ticks, { callback: logTick, autoSkip: false });
    });
    window.gcCharts[s.id] = new Chart(el.getContext('2d'), s.config);
  });
  document.body.dataset.chartsReady = 'true';
})();
`;

interface PageOptions {
  readonly title: string;
  readonly subtitle: string;
  /** Body HTML (already escaped). Chart cards are added after it. */
  readonly sectionsBefore: string;
  readonly charts: readonly ChartSpec[];
  readonly sectionsAfter: string;
  readonly footer: string;
}

function chartCards(charts: readonly ChartSpec[]): string {
  return `<div class="grid">${charts
    .map(
      (c) =>
        `<div class="card"><h3>${escapeHtml(c.title)}</h3><div style="position:relative;height:280px"><canvas id="${escapeHtml(c.id)}" role="img" aria-label="${escapeHtml(c.title)}"></canvas></div></div>`,
    )
    .join('')}</div>`;
}

export function renderPage(o: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="gc-bench">
<title>${escapeHtml(o.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${escapeHtml(o.title)}</h1>
<div class="sub">${escapeHtml(o.subtitle)}</div>
${o.sectionsBefore}
<h2>Charts</h2>
${chartCards(o.charts)}
${o.sectionsAfter}
<footer>${escapeHtml(o.footer)}</footer>
</main>
<script type="application/json" id="gc-chart-specs">${scriptJson(o.charts)}</script>
<script>${chartJsSource()}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}

/** An HTML table from pre-escaped cells; `num` marks right-aligned columns. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], num: readonly boolean[] = []): string {
  const th = header.map((h, i) => `<th${num[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const trs = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${num[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

/** A two-column label/value table without a header row. */
export function htmlKv(rows: readonly (readonly [string, string])[]): string {
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<table><tbody>\n${body}\n</tbody></table>`;
}
