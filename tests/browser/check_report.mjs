#!/usr/bin/env node
// Opens a neardup report.html in headless system Chromium and prints one JSON
// object to stdout describing what happened:
//
//   {"title": "...", "view": "story", "firstRenderMs": 123.4,
//    "firstContentfulPaintMs": 98.7, "requests": [{"url": "...", "type": "..."}],
//    "errors": [{"type": "error|warning|pageerror|dialog|requestfailed", "text": "..."}],
//    "dialogs": ["..."],
//    "marks": [{"passage": "ID", "passages": ["ID", ...], "side": "a|b", "doc": "DOC_ID",
//               "dir": "rtl|ltr", "text": "..."}],
//    "textBlocks": [{"dir_attr": "auto", "computed": "rtl", "text": "first 80 chars"}],
//    "viewText": "the text of the view's header and notices",
//    "heatmap": {"width": 700, "height": 680, "note": "legend text"} or null,
//    "timeline": {"rows": ["outlet", ...], "dots": N, "axis": "first … last date"} or null,
//    "screenshot": "OUT.png"}
//
// `requests` lists every request other than the report file itself (a
// self-contained report makes none); `errors` every console error or warning,
// uncaught page error and failed request; `marks` the highlighted passages of
// the view shown last, with the computed direction of the enclosing text
// block; `firstRenderMs` the time from navigation start to the first drawn
// view (the page sets window.__neardupRendered one frame after drawing it).
//
// Usage:
//   node check_report.mjs REPORT.html [--story DOC_ID | --hash 'compare=A,B']
//        [--screenshot OUT.png] [--full-page] [--width 1400 --height 900]
//        [--chromium /usr/bin/chromium] [--timeout 60000]
//
// Exit status: 0 when the page was checked (whatever it found), 2 on a usage
// error or when the browser could not load the page.
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import fs from 'node:fs';

function usage(msg) {
  if (msg) process.stderr.write(`check_report: ${msg}\n`);
  process.stderr.write('usage: node check_report.mjs REPORT.html [--story DOC_ID | --hash HASH] [--screenshot OUT.png] [--full-page] [--width 1400 --height 900] [--chromium PATH] [--timeout MS]\n');
  process.exit(2);
}

const opts = { width: 1400, height: 900, timeout: 60000, chromium: process.env.CHROMIUM || '/usr/bin/chromium', fullPage: false };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  const val = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
  switch (a) {
    case '--story': opts.hash = 'story=' + encodeURIComponent(val()); break;
    case '--hash': opts.hash = val().replace(/^#/, ''); break;
    case '--screenshot': opts.screenshot = val(); break;
    case '--full-page': opts.fullPage = true; break;
    case '--width': opts.width = parseInt(val(), 10); break;
    case '--height': opts.height = parseInt(val(), 10); break;
    case '--chromium': opts.chromium = val(); break;
    case '--timeout': opts.timeout = parseInt(val(), 10); break;
    case '-h': case '--help': usage(); break;
    default:
      if (a.startsWith('-') || opts.report) usage(`unexpected argument ${a}`);
      opts.report = a;
  }
}
if (!opts.report) usage('no report given');
if (!fs.existsSync(opts.report)) usage(`${opts.report}: no such file`);
if (!(opts.width > 0 && opts.height > 0)) usage('bad --width/--height');

const fileUrl = pathToFileURL(path.resolve(opts.report)).href;
const isReport = (u) => u === fileUrl || u.startsWith(fileUrl + '#');

const out = { title: null, view: null, firstRenderMs: null, firstContentfulPaintMs: null, requests: [], errors: [], dialogs: [], marks: [], textBlocks: [] };

let browser;
try {
  browser = await chromium.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
} catch (e) {
  process.stderr.write(`check_report: cannot start ${opts.chromium}: ${e.message}\n`);
  process.exit(2);
}

try {
  const context = await browser.newContext({ viewport: { width: opts.width, height: opts.height }, deviceScaleFactor: 1, serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('request', (r) => { if (!isReport(r.url())) out.requests.push({ url: r.url(), type: r.resourceType(), method: r.method() }); });
  page.on('requestfailed', (r) => { if (!isReport(r.url())) out.errors.push({ type: 'requestfailed', text: `${r.url()}: ${r.failure() ? r.failure().errorText : 'failed'}` }); });
  page.on('console', (m) => {
    const t = m.type();
    if (t === 'error' || t === 'warning') {
      const loc = m.location();
      out.errors.push({ type: t, text: m.text(), url: loc && loc.url ? loc.url.slice(0, 200) : undefined, line: loc ? loc.lineNumber : undefined });
    }
  });
  page.on('pageerror', (e) => out.errors.push({ type: 'pageerror', text: String(e && e.stack ? e.stack : e) }));
  page.on('dialog', async (d) => {
    out.dialogs.push(d.message());
    out.errors.push({ type: 'dialog', text: `${d.type()}: ${d.message()}` });
    await d.dismiss().catch(() => {});
  });

  const resp = await page.goto(fileUrl, { waitUntil: 'load', timeout: opts.timeout });
  if (resp && !resp.ok() && resp.status() !== 0) throw new Error(`loading the report: status ${resp.status()}`);
  await page.waitForFunction(() => typeof window.__neardupRendered === 'number' || !!document.querySelector('.fatal'), null, { timeout: opts.timeout });
  const timing = await page.evaluate(() => {
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { rendered: window.__neardupRendered ?? null, fcp: fcp ? fcp.startTime : null };
  });
  out.firstRenderMs = timing.rendered == null ? null : Math.round(timing.rendered * 10) / 10;
  out.firstContentfulPaintMs = timing.fcp == null ? null : Math.round(timing.fcp * 10) / 10;

  if (opts.hash) {
    const before = await page.evaluate(() => document.documentElement.getAttribute('data-renders'));
    await page.evaluate((h) => { location.hash = h; }, opts.hash);
    await page.waitForFunction((b) => document.documentElement.getAttribute('data-renders') !== b, before, { timeout: opts.timeout });
    // Let lazily filled texts, scrolling and fonts settle.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.evaluate(() => document.fonts ? document.fonts.ready : null);
    await page.waitForTimeout(150);
  }

  const found = await page.evaluate(() => {
    const blockOf = (e) => e.closest('[data-textblock]') || e.closest('[dir]');
    const marks = Array.from(document.querySelectorAll('#nd-view mark[data-passage]')).map((m) => {
      const b = blockOf(m);
      return {
        passage: m.getAttribute('data-passage'),
        passages: (m.getAttribute('data-passages') || '').split(' ').filter(Boolean),
        side: m.getAttribute('data-side'),
        doc: b ? b.getAttribute('data-doc') : null,
        dir: b ? getComputedStyle(b).direction : getComputedStyle(m).direction,
        text: m.textContent,
      };
    });
    const textBlocks = Array.from(document.querySelectorAll('[data-textblock]')).map((b) => ({
      dir_attr: b.getAttribute('dir'),
      computed: getComputedStyle(b).direction,
      text: (b.textContent || '').slice(0, 80),
    }));
    const viewText = Array.from(document.querySelectorAll('#nd-view .group-head, #nd-view .notice, #nd-view .cmp-status'))
      .map((e) => e.textContent || '').join('\n');
    const canvas = document.querySelector('#nd-view canvas.heatmap-canvas');
    const note = document.querySelector('#nd-view .heatmap .legend-note');
    const heatmap = canvas ? { width: canvas.getBoundingClientRect().width, height: canvas.getBoundingClientRect().height, note: note ? note.textContent : '' } : null;
    const tl = document.querySelector('#nd-view .timeline');
    const timeline = tl ? {
      rows: Array.from(tl.querySelectorAll('.timeline-name')).map((e) => e.textContent || ''),
      dots: tl.querySelectorAll('a.timeline-dot').length,
      axis: (tl.querySelector('.timeline-axis') || {}).textContent || '',
    } : null;
    return { marks, textBlocks, viewText, heatmap, timeline, view: document.documentElement.getAttribute('data-view'), ui: getComputedStyle(document.body).direction };
  });
  out.marks = found.marks;
  out.textBlocks = found.textBlocks;
  out.viewText = found.viewText;
  out.heatmap = found.heatmap;
  out.timeline = found.timeline;
  out.view = found.view;
  out.uiDirection = found.ui;
  out.title = await page.title();

  if (opts.screenshot) {
    fs.mkdirSync(path.dirname(path.resolve(opts.screenshot)), { recursive: true });
    await page.evaluate(() => { const t = document.getElementById('nd-tooltip'); if (t) t.hidden = true; });
    await page.screenshot({ path: opts.screenshot, fullPage: opts.fullPage });
    out.screenshot = opts.screenshot;
  }
  await context.close();
} catch (e) {
  process.stderr.write(`check_report: ${e.message}\n`);
  await browser.close();
  process.exit(2);
}
await browser.close();
process.stdout.write(JSON.stringify(out) + '\n');
