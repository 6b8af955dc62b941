// neardup report: renders the JSON embedded in #neardup-data.
//
// Rules this file keeps:
// - data is never parsed as markup: the DOM is built with createElement and
//   textContent only: no HTML string is ever parsed;
// - only the current view is in the DOM; long lists are paginated and long
//   stories fill their texts as they scroll into view;
// - every text block from the data carries dir="auto" and data-textblock;
// - views are addressed by the URL hash (#story=ID, #cluster=ID, #doc=ID,
//   #compare=ID1,ID2, #search=WORDS, #stories, #clusters, #outlets,
//   #outlet=NAME, #pair=A,B), so they can be linked and opened directly.
(function () {
  'use strict';

  // ------------------------------------------------------------------ data
  var D;
  try {
    var blob = document.getElementById('neardup-data');
    D = JSON.parse(blob ? blob.textContent : 'null');
    if (!D || typeof D !== 'object') throw new Error('no report data');
  } catch (e) {
    var main = document.getElementById('nd-view');
    main.replaceChildren();
    var p = document.createElement('p');
    p.className = 'fatal';
    p.textContent = 'The report data could not be read: ' + (e && e.message ? e.message : e);
    main.appendChild(p);
    console.error('neardup: report data unreadable', e);
    return;
  }

  var docs = Array.isArray(D.docs) ? D.docs : [];
  var stories = Array.isArray(D.stories) ? D.stories : [];
  var clusters = Array.isArray(D.clusters) ? D.clusters : [];
  var passages = Array.isArray(D.passages) ? D.passages : [];
  var outlets = Array.isArray(D.outlets) ? D.outlets : [];
  var heatmap = Array.isArray(D.heatmap) ? D.heatmap : [];
  var boilerplate = Array.isArray(D.boilerplate) ? D.boilerplate : [];
  var counts = D.counts && typeof D.counts === 'object' ? D.counts : {};
  var parameters = D.parameters && typeof D.parameters === 'object' ? D.parameters : {};
  var truncated = D.truncated && typeof D.truncated === 'object' ? D.truncated : null;

  var PAGE = 50;
  var idIndex = new Map();
  for (var di = 0; di < docs.length; di++) idIndex.set(String(docs[di].id), di);
  var outletIndex = new Map();
  outlets.forEach(function (o, i) { outletIndex.set(String(o), i); });

  // Passages by document and by id, built on first use.
  var byDoc = null;
  var byId = null;
  function indexPassages() {
    if (byDoc) return;
    byDoc = new Map();
    byId = new Map();
    for (var k = 0; k < passages.length; k++) {
      var p = passages[k];
      if (!p || p.a === p.b) continue;
      byId.set(String(p.id), k);
      push(byDoc, p.a, k);
      push(byDoc, p.b, k);
    }
  }
  function push(map, key, v) {
    var l = map.get(key);
    if (l) l.push(v); else map.set(key, [v]);
  }
  function docPassages(i) { indexPassages(); return byDoc.get(i) || []; }
  function passageById(id) { indexPassages(); var k = byId.get(String(id)); return k === undefined ? null : passages[k]; }

  // -------------------------------------------------------------- helpers
  var NF = new Intl.NumberFormat('en');
  function num(x) { return typeof x === 'number' && isFinite(x) ? NF.format(x) : (x == null ? '—' : String(x)); }
  function pct(x) {
    if (typeof x !== 'number' || !isFinite(x)) return '—';
    var v = x * 100;
    return (v !== 0 && Math.abs(v) < 1 ? v.toFixed(2) : v.toFixed(1)) + '%';
  }
  function enc(s) { return encodeURIComponent(String(s)); }
  function outletName(o) { return o == null ? null : (outlets[o] != null ? String(outlets[o]) : '#' + o); }
  function dateOf(d) { return d && d.date ? String(d.date).replace('T', ' ').slice(0, 16) : null; }
  function docTitle(d) { return d && d.title != null && String(d.title).trim() !== '' ? String(d.title) : null; }

  // el('div', {class: 'x', dir: 'auto'}, child, 'text', ...): text is always a text node.
  function el(tag, props) {
    var e = document.createElement(tag);
    if (props) {
      for (var key in props) {
        if (!Object.prototype.hasOwnProperty.call(props, key)) continue;
        var v = props[key];
        if (v == null || v === false) continue;
        if (key === 'class') e.className = v;
        else if (key === 'text') e.textContent = v;
        else if (key === 'href') e.setAttribute('href', safeHref(v));
        else if (key.slice(0, 2) === 'on' && typeof v === 'function') e.addEventListener(key.slice(2), v);
        else e.setAttribute(key, v === true ? '' : String(v));
      }
    }
    for (var i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }
  function append(parent, c) {
    if (c == null || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(parent, x); }); return; }
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
  // Only in-page hashes are ever linked.
  function safeHref(h) { h = String(h); return h.charAt(0) === '#' ? h : '#'; }
  // A block of text from the data: its own direction.
  function tb(tag, text, cls) {
    return el(tag, { class: cls, dir: 'auto', 'data-textblock': '' }, text);
  }
  function outletChip(o) {
    var n = outletName(o);
    if (n == null) return el('span', { class: 'chip chip-none' }, 'no outlet');
    return el('a', { class: 'chip', href: '#outlet=' + enc(n), dir: 'auto' }, n);
  }

  function groupOf(i, kind) {
    var d = docs[i];
    if (!d) return null;
    var g = kind === 'story' ? d.story : d.cluster;
    return typeof g === 'number' && (kind === 'story' ? stories : clusters)[g] ? g : null;
  }
  function groupHead(kind, g) {
    var G = (kind === 'story' ? stories : clusters)[g];
    var h = kind === 'story' ? G.first : G.kept;
    return typeof h === 'number' && docs[h] ? h : G.docs[0];
  }
  // The page that shows a document best: its story, else its cluster, else itself.
  function docHref(i) {
    var d = docs[i];
    var s = groupOf(i, 'story');
    if (s != null) return '#story=' + enc(docs[groupHead('story', s)].id) + (groupHead('story', s) === i ? '' : '&doc=' + enc(d.id));
    var c = groupOf(i, 'cluster');
    if (c != null) return '#cluster=' + enc(docs[groupHead('cluster', c)].id) + (groupHead('cluster', c) === i ? '' : '&doc=' + enc(d.id));
    return '#doc=' + enc(d.id);
  }
  function groupHref(kind, g) { return '#' + kind + '=' + enc(docs[groupHead(kind, g)].id); }

  // Distinct soft hues: golden-angle steps.
  function hueAt(k) { return Math.round((205 + k * 137.508) % 360); }

  function dateRange(members) {
    var lo = null, hi = null;
    for (var i = 0; i < members.length; i++) {
      var d = docs[members[i]] && docs[members[i]].date;
      if (!d) continue;
      d = String(d).slice(0, 10);
      if (lo === null || d < lo) lo = d;
      if (hi === null || d > hi) hi = d;
    }
    if (lo === null) return null;
    return lo === hi ? lo : lo + ' → ' + hi;
  }
  function outletCounts(members) {
    var m = new Map();
    members.forEach(function (i) { var o = docs[i] ? docs[i].outlet : null; m.set(o, (m.get(o) || 0) + 1); });
    return Array.from(m.entries()).sort(function (x, y) { return y[1] - x[1]; });
  }
  function embeddedCount(members) {
    var n = 0;
    members.forEach(function (i) { if (docs[i] && typeof docs[i].text === 'string') n++; });
    return n;
  }

