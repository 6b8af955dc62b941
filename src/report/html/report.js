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

  // ------------------------------------------------------------- routing
  var view = document.getElementById('nd-view');
  var searchInput = document.getElementById('nd-search');
  var tooltip = document.getElementById('nd-tooltip');
  var popover = document.getElementById('nd-popover');
  // The view on screen: its route key, and hooks set by the view (fill: draw a
  // lazily rendered document now; step: go to the next/previous passage).
  var current = { key: null, kind: null, fill: null, step: null };
  var cleanups = [];
  var scrolls = new Map();
  var navDepth = 0;
  var renders = 0;

  function parseHash() {
    var h = location.hash.replace(/^#/, '');
    var r = {};
    if (!h) return r;
    h.split('&').forEach(function (part) {
      var eq = part.indexOf('=');
      var k = eq < 0 ? part : part.slice(0, eq);
      var v = eq < 0 ? '' : part.slice(eq + 1);
      r[dec(k)] = v;
    });
    return r;
  }
  function dec(s) { try { return decodeURIComponent(s); } catch (e) { return s; } }
  function firstKey(r) {
    var ks = ['story', 'cluster', 'doc', 'compare', 'search', 'stories', 'clusters', 'outlets', 'outlet', 'pair'];
    for (var i = 0; i < ks.length; i++) if (Object.prototype.hasOwnProperty.call(r, ks[i])) return ks[i];
    return 'overview';
  }

  function route() {
    var r = parseHash();
    var kind = firstKey(r);
    var key = kind + ':' + (kind === 'search' ? '' : (r[kind] || '')) + (r.page ? ':' + r.page : '');
    hideTooltip();
    closePopover();
    // Same group page: only scroll to the requested document or passage.
    if (key === current.key && (kind === 'story' || kind === 'cluster' || kind === 'doc')) {
      focusTarget(r);
      return;
    }
    if (current.key) scrolls.set(current.key, window.scrollY);
    cleanups.forEach(function (f) { try { f(); } catch (e) { /* ignore */ } });
    cleanups = [];
    view.replaceChildren();
    navSel = -1;
    hot = null;
    current = { key: null, kind: kind, fill: null, step: null };
    var title = null;
    try {
      title = render(kind, r);
    } catch (e) {
      console.error('neardup: could not render view', e);
      view.replaceChildren(el('div', { class: 'notice notice-error' }, 'This view could not be drawn: ' + (e && e.message ? e.message : e)));
    }
    current.key = key;
    document.title = (title ? title + ' · ' : '') + (D.title || 'neardup report');
    setSection(kind);
    if (kind !== 'search' && document.activeElement !== searchInput) searchInput.value = '';
    if (kind === 'search') searchInput.value = dec(r.search || '');
    var restored = false;
    if (!focusTarget(r)) {
      if (scrolls.has(key)) { window.scrollTo(0, scrolls.get(key)); restored = true; }
      else window.scrollTo(0, 0);
    }
    renders++;
    document.documentElement.setAttribute('data-view', kind);
    document.documentElement.setAttribute('data-renders', String(renders));
    if (renders === 1) markFirstRender();
    return restored;
  }

  function setSection(kind) {
    var sec = { overview: 'overview', stories: 'stories', story: 'stories', clusters: 'clusters', cluster: 'clusters', outlets: 'outlets', outlet: 'outlets', pair: 'outlets' }[kind];
    document.querySelectorAll('.mainnav a').forEach(function (a) {
      if (a.getAttribute('data-section') === sec) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    });
  }

  function markFirstRender() {
    // The first view is in the DOM: time it at the next frame (after layout and paint).
    requestAnimationFrame(function () {
      setTimeout(function () {
        window.__neardupRendered = performance.now();
        document.documentElement.setAttribute('data-rendered', 'true');
      }, 0);
    });
  }

  function render(kind, r) {
    switch (kind) {
      case 'story': return renderGroupRoute('story', r);
      case 'cluster': return renderGroupRoute('cluster', r);
      case 'doc': return renderDocRoute(r);
      case 'compare': return renderCompareRoute(r);
      case 'search': return renderSearch(dec(r.search || ''), pageOf(r));
      case 'stories': return renderGroupList('story', pageOf(r, r.stories));
      case 'clusters': return renderGroupList('cluster', pageOf(r, r.clusters));
      case 'outlets': return renderOutlets();
      case 'outlet': return renderOutlet(dec(r.outlet || ''), pageOf(r));
      case 'pair': return renderPair(r.pair || '', pageOf(r));
      default: return renderOverview();
    }
  }
  function pageOf(r, v) {
    var n = parseInt(v != null && v !== '' ? v : r.page, 10);
    return isFinite(n) && n > 0 ? n : 1;
  }

  function notFound(what, id) {
    view.appendChild(crumbs([]));
    view.appendChild(el('div', { class: 'notice notice-error' },
      'No ' + what + ' ', el('code', { dir: 'auto' }, id || '(empty)'), ' in this report. ',
      el('a', { href: '#search=' + enc(id || '') }, 'Search for it'), '.'));
    return 'not found';
  }

  function crumbs(items) {
    var nav = el('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, el('a', { href: '#' }, 'Overview'));
    items.forEach(function (it) {
      nav.appendChild(el('span', { class: 'sep', 'aria-hidden': 'true' }, '›'));
      if (it.href) nav.appendChild(el('a', { href: it.href, dir: it.dir }, it.text));
      else nav.appendChild(el('span', { dir: it.dir }, it.text));
    });
    return nav;
  }

  function pager(total, page, hrefOf) {
    var pages = Math.max(1, Math.ceil(total / PAGE));
    if (pages <= 1) return null;
    var nav = el('nav', { class: 'pager', 'aria-label': 'Pages' });
    function link(p, label, cls) {
      if (p < 1 || p > pages || p === page) return el('span', { class: 'pg ' + (cls || '') + (p === page ? ' pg-current' : ' pg-disabled') }, label);
      return el('a', { class: 'pg ' + (cls || ''), href: hrefOf(p) }, label);
    }
    nav.appendChild(link(page - 1, '‹ Previous', 'pg-prev'));
    var shown = [1, page - 2, page - 1, page, page + 1, page + 2, pages].filter(function (p, i, a) { return p >= 1 && p <= pages && a.indexOf(p) === i; }).sort(function (a, b) { return a - b; });
    var last = 0;
    shown.forEach(function (p) {
      if (p - last > 1) nav.appendChild(el('span', { class: 'pg-gap' }, '…'));
      nav.appendChild(link(p, String(p)));
      last = p;
    });
    nav.appendChild(link(page + 1, 'Next ›', 'pg-next'));
    nav.appendChild(el('span', { class: 'pg-info' }, num((page - 1) * PAGE + 1) + '–' + num(Math.min(total, page * PAGE)) + ' of ' + num(total)));
    return nav;
  }

  // ------------------------------------------------------------ overview
  var COUNT_LABELS = [
    ['read', 'Documents read'], ['ok', 'Documents signed'], ['empty', 'Empty'], ['rejected', 'Rejected'],
    ['stories', 'Stories'], ['largest_story', 'Largest story'], ['clusters', 'Clusters'], ['duplicates', 'Duplicates'],
    ['largest_cluster', 'Largest cluster'], ['passages', 'Shared passages'], ['duplicate_pairs', 'Duplicate pairs'],
    ['story_pairs', 'Story pairs'], ['candidate_pairs', 'Candidate pairs'], ['boilerplate', 'Boilerplate sentences']
  ];
  var PRIMARY = { read: 1, stories: 1, duplicates: 1, passages: 1 };

  function renderOverview() {
    var title = D.title || 'neardup report';
    var head = el('section', { class: 'hero' },
      el('div', { class: 'hero-text' },
        tb('h1', title, 'hero-title'),
        el('p', { class: 'hero-sub' },
          'Near-duplicate articles, stories (articles of different outlets about the same event) and passages shared between outlets.')),
      el('div', { class: 'hero-meta' },
        el('span', { class: 'pill' }, 'neardup ' + (D.version || '')),
        outlets.length ? el('span', { class: 'pill' }, num(outlets.length) + ' outlets') : null));
    view.appendChild(head);
    if (truncated && truncated.docs_embedded != null && truncated.docs_total != null && truncated.docs_embedded < truncated.docs_total) {
      view.appendChild(el('div', { class: 'notice' },
        el('strong', null, 'Texts of ' + num(truncated.docs_embedded) + ' of ' + num(truncated.docs_total) + ' documents are embedded'),
        truncated.limit != null ? ' (limit ' + num(truncated.limit) + ', largest stories first). ' : '. ',
        'Every document is listed and can be found by id, outlet or title; shared passages are shown between embedded documents.'));
    }

    // Counts.
    var grid = el('section', { class: 'stats', 'aria-label': 'Counts' });
    var seen = {};
    COUNT_LABELS.forEach(function (kl) {
      if (counts[kl[0]] === undefined) return;
      seen[kl[0]] = 1;
      grid.appendChild(statCard(kl[1], counts[kl[0]], PRIMARY[kl[0]]));
    });
    Object.keys(counts).forEach(function (k) {
      if (!seen[k]) grid.appendChild(statCard(k.replace(/_/g, ' '), counts[k], false));
    });
    view.appendChild(grid);

    // Largest stories and clusters.
    var two = el('div', { class: 'two-col' });
    two.appendChild(groupPanel('story', 'Largest stories', 'Articles of different outlets about the same event.'));
    two.appendChild(groupPanel('cluster', 'Largest duplicate clusters', 'Near-duplicate copies of one article.'));
    view.appendChild(two);

    // Heatmap.
    var hm = el('section', { class: 'panel', id: 'heatmap' },
      el('div', { class: 'panel-head' },
        el('h2', null, 'Shared text between outlets'),
        el('p', { class: 'panel-sub' }, 'Each cell: share of the row outlet\u2019s text found in the column outlet (direction matters). Hover for figures, click for the documents.')));
    hm.appendChild(heatmapView());
    view.appendChild(hm);

    // Boilerplate.
    view.appendChild(boilerplatePanel(null));

    // Parameters.
    var keys = Object.keys(parameters);
    if (keys.length) {
      var dl = el('dl', { class: 'params' });
      keys.forEach(function (k) {
        var v = parameters[k];
        dl.appendChild(el('div', { class: 'param' }, el('dt', null, k),
          el('dd', { dir: 'auto' }, v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))));
      });
      view.appendChild(el('section', { class: 'panel' },
        el('details', { class: 'params-details' }, el('summary', null, el('h2', { class: 'inline-h2' }, 'Parameters'), el('span', { class: 'summary-note' }, keys.length + ' settings')), dl)));
    }
    return null;
  }

  function statCard(label, value, primary) {
    return el('div', { class: 'stat' + (primary ? ' stat-primary' : '') },
      el('div', { class: 'stat-value' }, typeof value === 'number' ? num(value) : String(value)),
      el('div', { class: 'stat-label' }, label));
  }

  function groupPanel(kind, title, sub) {
    var list = kind === 'story' ? stories : clusters;
    var panel = el('section', { class: 'panel' },
      el('div', { class: 'panel-head' }, el('h2', null, title), el('p', { class: 'panel-sub' }, sub)));
    if (!list.length) {
      panel.appendChild(el('p', { class: 'empty' }, kind === 'story' ? 'No story has more than one document.' : 'No near-duplicate documents were found.'));
      return panel;
    }
    panel.appendChild(groupTable(kind, 0, Math.min(10, list.length), true));
    panel.appendChild(el('a', { class: 'more', href: kind === 'story' ? '#stories' : '#clusters' },
      'All ' + num(list.length) + (kind === 'story' ? ' stories' : ' clusters') + ' →'));
    return panel;
  }

  function groupTable(kind, from, to, compact) {
    var list = kind === 'story' ? stories : clusters;
    var ul = el('ol', { class: 'glist' + (compact ? ' glist-compact' : ''), start: from + 1 });
    for (var g = from; g < to; g++) {
      var G = list[g];
      var members = G.docs || [];
      var head = groupHead(kind, g);
      var d = docs[head] || {};
      var oc = outletCounts(members);
      var chips = el('span', { class: 'chips' });
      oc.slice(0, compact ? 3 : 6).forEach(function (e) { chips.appendChild(el('span', { class: 'chip chip-static', dir: 'auto' }, outletName(e[0]) || 'no outlet', el('span', { class: 'chip-n' }, String(e[1])))); });
      if (oc.length > (compact ? 3 : 6)) chips.appendChild(el('span', { class: 'chip chip-more' }, '+' + (oc.length - (compact ? 3 : 6))));
      var emb = embeddedCount(members);
      var dr = dateRange(members);
      ul.appendChild(el('li', null, el('a', { class: 'grow nav-item', href: groupHref(kind, g), 'data-nav': '' },
        el('span', { class: 'gsize', title: members.length + ' documents' }, num(G.size || members.length)),
        el('span', { class: 'gmain' },
          docTitle(d) ? tb('span', docTitle(d), 'gtitle') : el('span', { class: 'gtitle mono' }, String(d.id)),
          el('span', { class: 'gmeta' }, chips,
            dr ? el('span', { class: 'gdate' }, dr) : null,
            emb === 0 ? el('span', { class: 'tag tag-muted' }, 'metadata only') : (emb < members.length ? el('span', { class: 'tag tag-muted' }, emb + ' texts') : null))))));
    }
    return ul;
  }

  function renderGroupList(kind, page) {
    var list = kind === 'story' ? stories : clusters;
    var label = kind === 'story' ? 'Stories' : 'Duplicate clusters';
    view.appendChild(crumbs([{ text: label }]));
    view.appendChild(el('h1', { class: 'page-title' }, label, el('span', { class: 'count' }, num(list.length))));
    view.appendChild(el('p', { class: 'page-sub' }, kind === 'story'
      ? 'Stories with at least two documents, largest first. A document alone is its own story and is not listed.'
      : 'Near-duplicate clusters with at least two documents, largest first.'));
    if (!list.length) { view.appendChild(el('p', { class: 'empty' }, 'Nothing to list.')); return label; }
    var pages = Math.max(1, Math.ceil(list.length / PAGE));
    page = Math.min(page, pages);
    var hrefOf = function (p) { return '#' + (kind === 'story' ? 'stories' : 'clusters') + '=' + p; };
    var pg = pager(list.length, page, hrefOf);
    if (pg) view.appendChild(pg);
    view.appendChild(el('section', { class: 'panel panel-flush' }, groupTable(kind, (page - 1) * PAGE, Math.min(list.length, page * PAGE), false)));
    if (pg) view.appendChild(pager(list.length, page, hrefOf));
    return label;
  }

  // ------------------------------------------------------------- heatmap
  var RAMP = [[247, 250, 253], [214, 230, 244], [158, 202, 225], [74, 152, 201], [23, 100, 171], [8, 48, 107]];
  function rampColor(t) {
    t = Math.max(0, Math.min(1, t));
    var x = t * (RAMP.length - 1), i = Math.min(RAMP.length - 2, Math.floor(x)), f = x - i;
    var a = RAMP[i], b = RAMP[i + 1];
    return 'rgb(' + Math.round(a[0] + (b[0] - a[0]) * f) + ',' + Math.round(a[1] + (b[1] - a[1]) * f) + ',' + Math.round(a[2] + (b[2] - a[2]) * f) + ')';
  }

  function heatmapView() {
    var n = outlets.length;
    var cells = new Map();
    var max = 0;
    heatmap.forEach(function (c) {
      if (!c || c.a == null || c.b == null || c.a === c.b) return;
      cells.set(c.a * n + c.b, c);
      if (typeof c.share === 'number' && c.share > max) max = c.share;
    });
    if (n < 2 || !cells.size) {
      return el('p', { class: 'empty' }, n < 2 ? 'Fewer than two outlets: nothing to compare.' : 'No text is shared between outlets.');
    }
    var wrap = el('div', { class: 'heatmap' });
    var canvas = el('canvas', { class: 'heatmap-canvas', tabindex: '0', role: 'img', 'aria-label': 'Heatmap of the share of each outlet\u2019s text found in each other outlet' });
    var ctx = canvas.getContext('2d');
    var FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    ctx.font = FONT;
    var labels = outlets.map(function (o) {
      var s = String(o);
      if (ctx.measureText(s).width > 150) {
        while (s.length > 4 && ctx.measureText(s + '…').width > 150) s = s.slice(0, -1);
        s += '…';
      }
      return s;
    });
    var lw = 0;
    labels.forEach(function (s) { lw = Math.max(lw, ctx.measureText(s).width); });
    lw = Math.ceil(lw) + 14;
    var cell = Math.max(8, Math.min(40, Math.floor(640 / n)));
    var diag = Math.ceil(lw * 0.7071) + 8;
    var left = lw, top = diag;
    var W = left + n * cell + diag, H = top + n * cell + 4;
    var dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(H * dpr);
    canvas.style.width = W + 'px';
    canvas.style.height = H + 'px';
    ctx.scale(dpr, dpr);
    ctx.font = FONT;
    var scale = max > 0 ? max : 1;
    // Cells.
    for (var a = 0; a < n; a++) {
      for (var b = 0; b < n; b++) {
        var x = left + b * cell, y = top + a * cell;
        if (a === b) { ctx.fillStyle = '#eceff3'; ctx.fillRect(x, y, cell, cell); continue; }
        var c = cells.get(a * n + b);
        ctx.fillStyle = c ? rampColor(Math.sqrt((c.share || 0) / scale)) : '#ffffff';
        ctx.fillRect(x, y, cell, cell);
        if (c && cell >= 34) {
          var t = Math.sqrt((c.share || 0) / scale);
          ctx.fillStyle = t > 0.62 ? '#ffffff' : '#1d2430';
          ctx.textAlign = 'center';
          ctx.textBaseline = 'middle';
          ctx.font = '10px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
          var v = (c.share || 0) * 100;
          ctx.fillText(v >= 10 ? v.toFixed(0) : v.toFixed(1), x + cell / 2, y + cell / 2 + 0.5);
          ctx.font = FONT;
        }
      }
    }
    // Grid lines.
    ctx.strokeStyle = 'rgba(29,36,48,0.08)';
    ctx.lineWidth = 1;
    for (var i = 0; i <= n; i++) {
      ctx.beginPath(); ctx.moveTo(left + i * cell + 0.5, top); ctx.lineTo(left + i * cell + 0.5, top + n * cell); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(left, top + i * cell + 0.5); ctx.lineTo(left + n * cell, top + i * cell + 0.5); ctx.stroke();
    }
    // Labels (row: text of; column: found in).
    ctx.fillStyle = '#3b4556';
    ctx.textBaseline = 'middle';
    var fs = Math.min(12, Math.max(8, cell - 2));
    ctx.font = fs + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    for (var r = 0; r < n; r++) {
      ctx.textAlign = 'right';
      ctx.fillText(labels[r], left - 8, top + r * cell + cell / 2);
      ctx.save();
      ctx.translate(left + r * cell + cell / 2, top - 6);
      ctx.rotate(-Math.PI / 4);
      ctx.textAlign = 'left';
      ctx.fillText(labels[r], 0, 0);
      ctx.restore();
    }

    var hover = el('div', { class: 'heatmap-hover', hidden: true });
    var stage = el('div', { class: 'heatmap-stage' }, canvas, hover);
    wrap.appendChild(stage);

    var legend = el('div', { class: 'legend' },
      el('span', { class: 'legend-label' }, '0%'),
      el('span', { class: 'legend-bar' }),
      el('span', { class: 'legend-label' }, pct(max)),
      el('span', { class: 'legend-note' }, 'share of the row outlet\u2019s words (colour on a square-root scale); grey: same outlet'));
    legend.querySelector('.legend-bar').style.background = 'linear-gradient(to right,' + [0, 0.2, 0.4, 0.6, 0.8, 1].map(rampColor).join(',') + ')';
    wrap.appendChild(legend);

    function cellAt(ev) {
      var rect = canvas.getBoundingClientRect();
      var px = ev.clientX - rect.left, py = ev.clientY - rect.top;
      var col = Math.floor((px - left) / cell), row = Math.floor((py - top) / cell);
      if (px < left && row >= 0 && row < n && py >= top) return { row: row, label: true };
      if (col < 0 || row < 0 || col >= n || row >= n) return null;
      return { row: row, col: col };
    }
    var focus = { row: 0, col: 1 };
    function show(hit, clientX, clientY) {
      if (!hit || hit.label) {
        hover.hidden = true; hideTooltip();
        canvas.style.cursor = hit && hit.label ? 'pointer' : 'default';
        return;
      }
      hover.hidden = false;
      hover.style.left = (left + hit.col * cell) + 'px';
      hover.style.top = (top + hit.row * cell) + 'px';
      hover.style.width = cell + 'px';
      hover.style.height = cell + 'px';
      var c = cells.get(hit.row * n + hit.col);
      canvas.style.cursor = c ? 'pointer' : 'default';
      showTooltip(heatTip(hit.row, hit.col, c), clientX, clientY);
    }
    canvas.addEventListener('mousemove', function (ev) { var h = cellAt(ev); if (h && !h.label) focus = h; show(h, ev.clientX, ev.clientY); });
    canvas.addEventListener('mouseleave', function () { hover.hidden = true; hideTooltip(); });
    canvas.addEventListener('click', function (ev) {
      var h = cellAt(ev);
      if (!h) return;
      if (h.label) { location.hash = '#outlet=' + enc(outlets[h.row]); return; }
      if (h.row !== h.col && cells.get(h.row * n + h.col)) location.hash = '#pair=' + enc(outlets[h.row]) + ',' + enc(outlets[h.col]);
    });
    canvas.addEventListener('keydown', function (ev) {
      var moved = true;
      if (ev.key === 'ArrowRight') focus.col = Math.min(n - 1, focus.col + 1);
      else if (ev.key === 'ArrowLeft') focus.col = Math.max(0, focus.col - 1);
      else if (ev.key === 'ArrowDown') focus.row = Math.min(n - 1, focus.row + 1);
      else if (ev.key === 'ArrowUp') focus.row = Math.max(0, focus.row - 1);
      else if (ev.key === 'Enter') { if (focus.row !== focus.col && cells.get(focus.row * n + focus.col)) location.hash = '#pair=' + enc(outlets[focus.row]) + ',' + enc(outlets[focus.col]); return; }
      else moved = false;
      if (moved) {
        ev.preventDefault();
        ev.stopPropagation();
        var rect = canvas.getBoundingClientRect();
        show(focus, rect.left + left + (focus.col + 1) * cell, rect.top + top + (focus.row + 1) * cell);
      }
    });
    canvas.addEventListener('blur', function () { hover.hidden = true; hideTooltip(); });
    return wrap;
  }

  function heatTip(a, b, c) {
    var an = String(outlets[a]), bn = String(outlets[b]);
    var box = el('div', { class: 'tip' });
    box.appendChild(el('div', { class: 'tip-title' }, el('bdi', null, an), ' → ', el('bdi', null, bn)));
    if (a === b) { box.appendChild(el('div', { class: 'tip-muted' }, 'same outlet')); return box; }
    if (!c) { box.appendChild(el('div', { class: 'tip-muted' }, 'nothing shared')); return box; }
    box.appendChild(el('div', { class: 'tip-big' }, pct(c.share), el('span', { class: 'tip-muted' }, ' of ', el('bdi', null, an), '\u2019s text found in ', el('bdi', null, bn))));
    var t = el('table', { class: 'tip-table' });
    function row(k, v) { t.appendChild(el('tr', null, el('th', null, k), el('td', null, v))); }
    row('Shared passages', num(c.passages));
    row('Characters shared', num(c.chars));
    row('Duplicate pairs', num(c.duplicates));
    row('Story pairs', num(c.stories));
    var first = el('span', null, el('bdi', null, an), ' ' + num(c.a_first) + ' · ', el('bdi', null, bn), ' ' + num(c.b_first));
    row('Published first', first);
    row('Median lag', c.lag_hours == null ? '—' : (Math.round(c.lag_hours * 10) / 10) + ' h');
    box.appendChild(t);
    return box;
  }

  // -------------------------------------------------------------- tooltip
  function showTooltip(content, x, y) {
    tooltip.replaceChildren(content);
    tooltip.hidden = false;
    var pad = 14, w = tooltip.offsetWidth, h = tooltip.offsetHeight;
    var left = x + pad, top = y + pad;
    if (left + w > window.innerWidth - 8) left = x - w - pad;
    if (top + h > window.innerHeight - 8) top = y - h - pad;
    tooltip.style.left = Math.max(8, left) + 'px';
    tooltip.style.top = Math.max(8, top) + 'px';
  }
  function hideTooltip() { tooltip.hidden = true; }

  // ---------------------------------------------------------- boilerplate
  function boilerplatePanel(onlyOutlet) {
    var panel = el('section', { class: 'panel', id: 'boilerplate' },
      el('div', { class: 'panel-head' }, el('h2', null, 'Boilerplate'),
        el('p', { class: 'panel-sub' }, 'Sentences that recur in many documents of one outlet (signatures, datelines, calls to action); they are left out of shared passages.')));
    var groups = new Map();
    boilerplate.forEach(function (b) {
      if (!b) return;
      var o = b.outlet == null ? null : b.outlet;
      if (onlyOutlet !== null && o !== onlyOutlet) return;
      push(groups, o, b);
    });
    if (!groups.size) { panel.appendChild(el('p', { class: 'empty' }, 'No boilerplate found.')); return panel; }
    var keys = Array.from(groups.keys()).sort(function (x, y) {
      return String(outletName(x) || '\uffff').localeCompare(String(outletName(y) || '\uffff'));
    });
    keys.forEach(function (o) {
      var items = groups.get(o).slice().sort(function (x, y) { return (y.documents || 0) - (x.documents || 0); });
      var table = el('table', { class: 'table bp-table' },
        el('thead', null, el('tr', null, el('th', null, 'Sentence'), el('th', { class: 'num' }, 'Documents'), el('th', { class: 'num' }, 'Share'))));
      var body = el('tbody');
      items.forEach(function (b) {
        body.appendChild(el('tr', null, el('td', null, tb('div', String(b.text == null ? '' : b.text), 'bp-text')),
          el('td', { class: 'num' }, num(b.documents)), el('td', { class: 'num' }, pct(b.share))));
      });
      table.appendChild(body);
      var name = outletName(o);
      panel.appendChild(el('details', { class: 'bp', open: onlyOutlet !== null },
        el('summary', null, el('span', { class: 'bp-outlet', dir: 'auto' }, name || 'documents without an outlet'),
          el('span', { class: 'summary-note' }, items.length + (items.length === 1 ? ' sentence' : ' sentences'))),
        table));
    });
    return panel;
  }

  // ------------------------------------------------------------- outlets
  var outletDocs = null;
  function docsOfOutlet(o) {
    if (!outletDocs) {
      outletDocs = new Map();
      for (var i = 0; i < docs.length; i++) push(outletDocs, docs[i].outlet == null ? null : docs[i].outlet, i);
      outletDocs.forEach(function (l) {
        l.sort(function (x, y) {
          var a = docs[x].date || '', b = docs[y].date || '';
          return a < b ? -1 : a > b ? 1 : x - y;
        });
      });
    }
    return outletDocs.get(o) || [];
  }

  function renderOutlets() {
    view.appendChild(crumbs([{ text: 'Outlets' }]));
    view.appendChild(el('h1', { class: 'page-title' }, 'Outlets', el('span', { class: 'count' }, num(outlets.length))));
    if (!outlets.length) { view.appendChild(el('p', { class: 'empty' }, 'No document has an outlet.')); return 'Outlets'; }
    var out = new Map(), inn = new Map();
    heatmap.forEach(function (c) {
      if (c.a === c.b) return;
      out.set(c.a, (out.get(c.a) || 0) + (c.chars || 0));
      inn.set(c.b, (inn.get(c.b) || 0) + (c.passages || 0));
    });
    var table = el('table', { class: 'table' }, el('thead', null, el('tr', null,
      el('th', null, 'Outlet'), el('th', { class: 'num' }, 'Documents'), el('th', { class: 'num' }, 'Characters found elsewhere'), el('th', { class: 'num' }, 'Boilerplate sentences'))));
    var body = el('tbody');
    outlets.forEach(function (o, i) {
      var bp = boilerplate.filter(function (b) { return b.outlet === i; }).length;
      body.appendChild(el('tr', null,
        el('td', null, el('a', { class: 'nav-item', 'data-nav': '', href: '#outlet=' + enc(o), dir: 'auto' }, String(o))),
        el('td', { class: 'num' }, num(docsOfOutlet(i).length)),
        el('td', { class: 'num' }, num(out.get(i) || 0)),
        el('td', { class: 'num' }, num(bp))));
    });
    table.appendChild(body);
    view.appendChild(el('section', { class: 'panel panel-flush' }, table));
    return 'Outlets';
  }

  function renderOutlet(name, page) {
    var o = outletIndex.get(name);
    if (o === undefined) return notFound('outlet', name);
    view.appendChild(crumbs([{ text: 'Outlets', href: '#outlets' }, { text: name, dir: 'auto' }]));
    var list = docsOfOutlet(o);
    view.appendChild(el('h1', { class: 'page-title' }, el('bdi', null, name), el('span', { class: 'count' }, num(list.length) + ' documents')));
    // Shares with other outlets, both directions.
    var rows = [];
    heatmap.forEach(function (c) {
      if (c.a === c.b) return;
      if (c.a === o || c.b === o) rows.push(c);
    });
    var byOther = new Map();
    rows.forEach(function (c) {
      var other = c.a === o ? c.b : c.a;
      var e = byOther.get(other) || { other: other, out: null, inn: null };
      if (c.a === o) e.out = c; else e.inn = c;
      byOther.set(other, e);
    });
    var ents = Array.from(byOther.values()).sort(function (x, y) { return ((y.out && y.out.share) || 0) - ((x.out && x.out.share) || 0); });
    if (ents.length) {
      var t = el('table', { class: 'table' }, el('thead', null, el('tr', null,
        el('th', null, 'Other outlet'), el('th', { class: 'num' }, 'Of ' + name + '\u2019s text in it'), el('th', { class: 'num' }, 'Of its text in ' + name),
        el('th', { class: 'num' }, 'Passages'), el('th', { class: 'num' }, 'Story pairs'), el('th', { class: 'num' }, 'Duplicate pairs'), el('th', null, ''))));
      var body = el('tbody');
      ents.forEach(function (e) {
        var ref = e.out || e.inn;
        body.appendChild(el('tr', null,
          el('td', null, el('a', { href: '#outlet=' + enc(outlets[e.other]), dir: 'auto' }, String(outlets[e.other]))),
          el('td', { class: 'num' }, shareBar(e.out && e.out.share)),
          el('td', { class: 'num' }, shareBar(e.inn && e.inn.share)),
          el('td', { class: 'num' }, num(ref.passages)),
          el('td', { class: 'num' }, num(ref.stories)),
          el('td', { class: 'num' }, num(ref.duplicates)),
          el('td', null, el('a', { href: '#pair=' + enc(name) + ',' + enc(outlets[e.other]) }, 'documents →'))));
      });
      t.appendChild(body);
      view.appendChild(el('section', { class: 'panel panel-flush' }, el('h2', { class: 'panel-pad' }, 'Shared text with other outlets'), t));
    }
    view.appendChild(boilerplatePanel(o));
    var pages = Math.max(1, Math.ceil(list.length / PAGE));
    page = Math.min(page, pages);
    var hrefOf = function (p) { return '#outlet=' + enc(name) + '&page=' + p; };
    var sec = el('section', { class: 'panel panel-flush' }, el('h2', { class: 'panel-pad' }, 'Documents'));
    var pg = pager(list.length, page, hrefOf);
    if (pg) sec.appendChild(pg);
    sec.appendChild(docList(list.slice((page - 1) * PAGE, page * PAGE), null));
    view.appendChild(sec);
    return name;
  }

  function shareBar(v) {
    if (typeof v !== 'number') return '—';
    var max = 0;
    heatmap.forEach(function (c) { if (c.a !== c.b && c.share > max) max = c.share; });
    var bar = el('span', { class: 'bar' });
    bar.style.width = Math.max(2, Math.round(60 * (max ? v / max : 0))) + 'px';
    return el('span', { class: 'share' }, bar, pct(v));
  }

  // A list of documents: title, id, outlet, date, group; each links to its best page.
  function docList(items, snippets) {
    var ul = el('ul', { class: 'dlist' });
    items.forEach(function (i, k) {
      var d = docs[i];
      var s = groupOf(i, 'story'), c = groupOf(i, 'cluster');
      var meta = el('span', { class: 'dmeta' },
        el('span', { class: 'mono' }, String(d.id)),
        d.outlet != null ? el('span', { dir: 'auto' }, outletName(d.outlet)) : null,
        dateOf(d) ? el('span', null, dateOf(d)) : null,
        s != null ? el('span', { class: 'tag' }, 'story of ' + stories[s].docs.length) : null,
        c != null ? el('span', { class: 'tag tag-dup' }, d.dup_of != null ? 'duplicate' : 'cluster of ' + clusters[c].docs.length) : null,
        typeof d.text === 'string' ? null : el('span', { class: 'tag tag-muted' }, 'no text'));
      var li = el('li', null, el('a', { class: 'drow nav-item', 'data-nav': '', href: docHref(i) },
        docTitle(d) ? tb('span', docTitle(d), 'dtitle') : el('span', { class: 'dtitle mono' }, String(d.id)),
        meta,
        snippets && snippets[k] ? snippets[k] : null));
      ul.appendChild(li);
    });
    return ul;
  }

  // ----------------------------------------------------- pair of outlets
  function renderPair(arg, page) {
    var parts = String(arg).split(',');
    var an = dec(parts[0] || ''), bn = dec(parts[1] || '');
    var a = outletIndex.get(an), b = outletIndex.get(bn);
    if (a === undefined) return notFound('outlet', an);
    if (b === undefined) return notFound('outlet', bn);
    view.appendChild(crumbs([{ text: 'Outlets', href: '#outlets' }, { text: an, href: '#outlet=' + enc(an), dir: 'auto' }, { text: '→ ' + bn, dir: 'auto' }]));
    view.appendChild(el('h1', { class: 'page-title' }, el('bdi', null, an), ' → ', el('bdi', null, bn)));
    var n = outlets.length;
    var fig = el('div', { class: 'two-col' });
    [[a, b], [b, a]].forEach(function (ab) {
      var c = null;
      heatmap.forEach(function (x) { if (x.a === ab[0] && x.b === ab[1]) c = x; });
      var p = el('section', { class: 'panel' });
      p.appendChild(heatTip(ab[0], ab[1], c));
      fig.appendChild(p);
    });
    view.appendChild(fig);
    // Document pairs with passages between the two outlets (embedded documents only).
    var pairs = new Map();
    indexPassages();
    for (var k = 0; k < passages.length; k++) {
      var p = passages[k];
      var oa = docs[p.a] && docs[p.a].outlet, ob = docs[p.b] && docs[p.b].outlet;
      var x, y;
      if (oa === a && ob === b) { x = p.a; y = p.b; } else if (oa === b && ob === a) { x = p.b; y = p.a; } else continue;
      var key = x * docs.length + y;
      var e = pairs.get(key);
      if (!e) { e = { x: x, y: y, passages: 0, words: 0 }; pairs.set(key, e); }
      e.passages++;
      e.words += p.words || 0;
    }
    var list = Array.from(pairs.values()).sort(function (u, v) { return v.words - u.words || v.passages - u.passages; });
    var sec = el('section', { class: 'panel panel-flush' }, el('h2', { class: 'panel-pad' }, 'Document pairs sharing passages',
      el('span', { class: 'count' }, num(list.length))));
    if (!list.length) {
      sec.appendChild(el('p', { class: 'empty panel-pad' }, 'No passages between embedded documents of these outlets.'));
    } else {
      var pages = Math.max(1, Math.ceil(list.length / PAGE));
      page = Math.min(page, pages);
      var hrefOf = function (q) { return '#pair=' + enc(an) + ',' + enc(bn) + '&page=' + q; };
      var pg = pager(list.length, page, hrefOf);
      if (pg) sec.appendChild(pg);
      var ul = el('ul', { class: 'plist' });
      list.slice((page - 1) * PAGE, page * PAGE).forEach(function (e) {
        ul.appendChild(el('li', null, el('a', { class: 'prow nav-item', 'data-nav': '', href: '#compare=' + enc(docs[e.x].id) + ',' + enc(docs[e.y].id) },
          docCell(e.x), el('span', { class: 'prow-mid' }, el('span', { class: 'prow-n' }, num(e.passages) + (e.passages === 1 ? ' passage' : ' passages')), el('span', { class: 'prow-w' }, num(e.words) + ' words')), docCell(e.y))));
      });
      sec.appendChild(ul);
    }
    view.appendChild(sec);
    return an + ' → ' + bn;
  }
  function docCell(i) {
    var d = docs[i];
    return el('span', { class: 'dcell' },
      docTitle(d) ? tb('span', docTitle(d), 'dcell-title') : el('span', { class: 'dcell-title mono' }, String(d.id)),
      el('span', { class: 'dmeta' }, el('span', { dir: 'auto' }, outletName(d.outlet) || 'no outlet'), dateOf(d) ? el('span', null, dateOf(d)) : null));
  }

  // ------------------------------------------------------------ highlights
  // Splits docs[i].text at the edges of the given passages; each covered
  // segment becomes <mark data-passage="ID" data-passages="ID ID2">. The first
  // piece of each passage side gets id="nd-p-ID-a|b" (the anchor to jump to).
  // hueOf(p, other) gives the mark's hue (null: neutral).
  function highlightedText(i, list, hueOf, prefer) {
    var d = docs[i];
    var text = typeof d.text === 'string' ? d.text : '';
    var box = el('div', { class: 'doc-text', dir: 'auto', 'data-textblock': '', 'data-doc': String(d.id) });
    var L = text.length;
    var spans = [];
    list.forEach(function (k) {
      var p = passages[k];
      var side = p.a === i ? 'a' : (p.b === i ? 'b' : null);
      if (!side) return;
      var s = Math.max(0, Math.min(L, side === 'a' ? p.as : p.bs) | 0);
      var e = Math.max(0, Math.min(L, side === 'a' ? p.ae : p.be) | 0);
      if (e <= s) return;
      spans.push({ s: s, e: e, k: k, side: side, other: side === 'a' ? p.b : p.a });
    });
    if (!spans.length) { box.textContent = text; return box; }
    var cuts = [0, L];
    spans.forEach(function (sp) { cuts.push(sp.s, sp.e); });
    cuts.sort(function (x, y) { return x - y; });
    var edges = cuts.filter(function (v, j) { return j === 0 || v !== cuts[j - 1]; });
    spans.sort(function (x, y) { return x.s - y.s || y.e - x.e; });
    var active = [];
    var next = 0;
    var started = new Set();
    var frag = document.createDocumentFragment();
    for (var j = 0; j + 1 < edges.length; j++) {
      var from = edges[j], to = edges[j + 1];
      active = active.filter(function (sp) { return sp.e > from; });
      while (next < spans.length && spans[next].s <= from) { if (spans[next].e > from) active.push(spans[next]); next++; }
      var seg = text.slice(from, to);
      if (!active.length) { frag.appendChild(document.createTextNode(seg)); continue; }
      var primary = active[0];
      for (var q = 1; q < active.length; q++) {
        var c = active[q];
        var cp = prefer ? prefer(c) : 0, pp = prefer ? prefer(primary) : 0;
        if (cp > pp || (cp === pp && (c.e - c.s) < (primary.e - primary.s))) primary = c;
      }
      var P = passages[primary.k];
      var ids = active.map(function (sp) { return String(passages[sp.k].id); });
      var m = el('mark', {
        class: 'hl' + (active.length > 1 ? ' hl-multi' : ''),
        'data-passage': String(P.id),
        'data-passages': ids.join(' '),
        'data-side': primary.side,
        tabindex: '0'
      }, seg);
      var hue = hueOf(P, primary.other);
      if (hue == null) m.classList.add('hl-ext'); else m.style.setProperty('--h', String(hue));
      active.forEach(function (sp) {
        var key = passages[sp.k].id + '-' + sp.side;
        if (!started.has(key)) {
          started.add(key);
          if (sp === primary) m.id = 'nd-p-' + key;
          else {
            // Anchor for a passage whose first piece is shown under another one.
            var anchor = el('span', { class: 'anchor', id: 'nd-p-' + key, 'data-anchor-for': String(passages[sp.k].id) });
            frag.appendChild(anchor);
          }
        }
      });
      frag.appendChild(m);
    }
    box.appendChild(frag);
    return box;
  }

  function marksOf(pid) {
    return view.querySelectorAll('mark[data-passages~="' + String(pid).replace(/["\\]/g, '') + '"]');
  }
  var hot = null;
  function setHot(pid) {
    if (hot === pid) return;
    if (hot != null) marksOf(hot).forEach(function (m) { m.classList.remove('is-hot'); });
    hot = pid;
    if (hot != null) marksOf(hot).forEach(function (m) { m.classList.add('is-hot'); });
  }
  function flash(elm) {
    if (!elm) return;
    var t = elm;
    while (t && t.tagName !== 'MARK') t = t.nextElementSibling;
    (t ? [t] : []).forEach(function (t) {
      t.classList.remove('is-flash');
      void t.offsetWidth;
      t.classList.add('is-flash');
    });
  }

  function passageTip(p, fromDoc) {
    var other = p.a === fromDoc ? p.b : p.a;
    var od = docs[other] || {};
    var box = el('div', { class: 'tip' });
    box.appendChild(el('div', { class: 'tip-title' }, 'Shared with ', el('bdi', null, outletName(od.outlet) || String(od.id)), dateOf(od) ? ' · ' + dateOf(od) : ''));
    if (docTitle(od)) box.appendChild(tb('div', docTitle(od), 'tip-doc'));
    var first = p.first === 'a' ? p.a : p.first === 'b' ? p.b : null;
    box.appendChild(el('div', { class: 'tip-muted' }, num(p.words) + ' words matched · similarity ' + pct(p.sim) +
      (first == null ? '' : first === fromDoc ? ' · this one first' : ' · the other one first')));
    box.appendChild(el('div', { class: 'tip-hint' }, 'Click to jump to the matching text'));
    return box;
  }

  // Jump from a mark (passage pid, on side `side`) to the other side's span.
  function jump(pid, side, fromEl) {
    var p = passageById(pid);
    if (!p) return;
    var other = side === 'a' ? 'b' : 'a';
    var otherDoc = other === 'a' ? p.a : p.b;
    var target = document.getElementById('nd-p-' + p.id + '-' + other);
    if (!target && current.fill) { current.fill(otherDoc); target = document.getElementById('nd-p-' + p.id + '-' + other); }
    if (!target) {
      // The other document is not on this page: open its page at the passage.
      location.hash = docHref(otherDoc) + '&passage=' + enc(p.id + '-' + other);
      return;
    }
    var col = target.closest('.cmp-scroll');
    var fromCol = fromEl && fromEl.closest ? fromEl.closest('.cmp-scroll') : null;
    if (col && fromCol && col !== fromCol) {
      alignIn(col, target, fromEl.getBoundingClientRect().top - fromCol.getBoundingClientRect().top);
    } else {
      target.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
    flash(target);
    if (fromEl) flash(fromEl);
    var h = location.hash.replace(/&passage=[^&]*/, '');
    history.replaceState(null, '', (h || '#') + '&passage=' + enc(p.id + '-' + other));
  }
  function alignIn(col, target, offset) {
    var t = target;
    while (t.tagName !== 'MARK' && t.nextElementSibling) t = t.nextElementSibling;
    var y = t.getBoundingClientRect().top - col.getBoundingClientRect().top + col.scrollTop - offset;
    col.scrollTo({ top: Math.max(0, y), behavior: 'smooth' });
  }

  function openPopover(m) {
    var ids = (m.getAttribute('data-passages') || '').split(' ').filter(Boolean);
    var docId = m.closest('[data-doc]') ? m.closest('[data-doc]').getAttribute('data-doc') : null;
    var here = docId != null ? idIndex.get(docId) : undefined;
    popover.replaceChildren();
    popover.appendChild(el('div', { class: 'pop-title' }, 'This text is shared with ' + ids.length + ' documents'));
    var ul = el('ul', { class: 'pop-list' });
    ids.forEach(function (pid) {
      var p = passageById(pid);
      if (!p) return;
      var side = p.a === here ? 'a' : 'b';
      var od = docs[side === 'a' ? p.b : p.a] || {};
      var btn = el('button', { type: 'button', class: 'pop-item' },
        el('span', { class: 'pop-swatch' }),
        el('span', { class: 'pop-main' },
          el('span', { class: 'pop-outlet', dir: 'auto' }, (outletName(od.outlet) || 'no outlet') + (dateOf(od) ? ' · ' + dateOf(od) : '')),
          docTitle(od) ? tb('span', docTitle(od), 'pop-doc') : el('span', { class: 'pop-doc mono' }, String(od.id))),
        el('span', { class: 'pop-w' }, num(p.words) + ' w'));
      var src = view.querySelector('mark[data-passage="' + String(pid).replace(/["\\]/g, '') + '"]');
      if (src && src.style.getPropertyValue('--h')) btn.querySelector('.pop-swatch').style.setProperty('--h', src.style.getPropertyValue('--h'));
      btn.addEventListener('click', function () { closePopover(); jump(pid, side, m); });
      btn.addEventListener('mouseenter', function () { setHot(pid); });
      ul.appendChild(el('li', null, btn));
    });
    popover.appendChild(ul);
    popover.hidden = false;
    var r = m.getBoundingClientRect();
    var w = popover.offsetWidth, h = popover.offsetHeight;
    var left = Math.min(window.innerWidth - w - 8, Math.max(8, r.left));
    var top = r.bottom + 6;
    if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 6);
    popover.style.left = left + 'px';
    popover.style.top = top + 'px';
    var first = popover.querySelector('button');
    if (first) first.focus();
  }
  function closePopover() { if (!popover.hidden) { popover.hidden = true; popover.replaceChildren(); } }

  document.addEventListener('mouseover', function (ev) {
    var m = ev.target.closest ? ev.target.closest('mark.hl') : null;
    if (!m) { if (hot != null && !(ev.target.closest && ev.target.closest('#nd-popover'))) setHot(null); return; }
    setHot(m.getAttribute('data-passage'));
    var p = passageById(m.getAttribute('data-passage'));
    var host = m.closest('[data-doc]');
    if (p && host) showTooltip(passageTip(p, idIndex.get(host.getAttribute('data-doc'))), ev.clientX, ev.clientY);
  });
  document.addEventListener('mousemove', function (ev) {
    if (tooltip.hidden) return;
    var m = ev.target.closest ? ev.target.closest('mark.hl') : null;
    if (m) showTooltip(tooltip.firstChild, ev.clientX, ev.clientY);
  });
  document.addEventListener('mouseout', function (ev) {
    var m = ev.target.closest ? ev.target.closest('mark.hl') : null;
    if (m && !(ev.relatedTarget && ev.relatedTarget.closest && ev.relatedTarget.closest('mark.hl') === m)) hideTooltip();
  });
  function activateMark(m) {
    hideTooltip();
    var ids = (m.getAttribute('data-passages') || '').split(' ').filter(Boolean);
    if (ids.length > 1) openPopover(m);
    else jump(m.getAttribute('data-passage'), m.getAttribute('data-side'), m);
  }
  document.addEventListener('click', function (ev) {
    var m = ev.target.closest ? ev.target.closest('mark.hl') : null;
    if (m) { ev.preventDefault(); activateMark(m); return; }
    if (!popover.hidden && !(ev.target.closest && ev.target.closest('#nd-popover'))) closePopover();
  });
  document.addEventListener('focusin', function (ev) {
    var m = ev.target.closest ? ev.target.closest('mark.hl') : null;
    if (m) setHot(m.getAttribute('data-passage'));
  });

  // Scroll to #...&doc=ID or &passage=PID-side; true if there was a target.
  function focusTarget(r) {
    if (r.passage) {
      var t = document.getElementById('nd-p-' + dec(r.passage));
      if (!t && current.fill) {
        var p = passageById(dec(r.passage).replace(/-[ab]$/, ''));
        if (p) { current.fill(/-a$/.test(dec(r.passage)) ? p.a : p.b); t = document.getElementById('nd-p-' + dec(r.passage)); }
      }
      if (t) {
        var col = t.closest('.cmp-scroll');
        if (col) alignIn(col, t, col.clientHeight / 3);
        else t.scrollIntoView({ block: 'center' });
        flash(t);
        return true;
      }
    }
    if (r.doc && current.kind !== 'doc') {
      var i = idIndex.get(dec(r.doc));
      var card = i === undefined ? null : document.getElementById('nd-card-' + i);
      if (card) {
        if (current.fill) current.fill(i);
        card.scrollIntoView({ block: 'start' });
        card.classList.remove('is-target');
        void card.offsetWidth;
        card.classList.add('is-target');
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------ group page
  function renderGroupRoute(kind, r) {
    var id = dec(r[kind] || '');
    var i = idIndex.get(id);
    if (i === undefined) return notFound('document', id);
    var g = groupOf(i, kind);
    if (g == null) {
      view.appendChild(el('div', { class: 'notice' }, 'Document ', el('code', { dir: 'auto' }, id),
        kind === 'story' ? ' is its own story: no other document tells it.' : ' has no near-duplicate.'));
      renderDoc(i);
      return docTitle(docs[i]) || id;
    }
    var focus = i !== groupHead(kind, g) && !r.doc ? id : null;
    var t = renderGroup(kind, g);
    if (focus) r.doc = enc(focus);
    return t;
  }

  function renderGroup(kind, g) {
    var G = (kind === 'story' ? stories : clusters)[g];
    var members = (G.docs || []).slice().sort(function (x, y) {
      var a = docs[x].date || '\uffff', b = docs[y].date || '\uffff';
      return a < b ? -1 : a > b ? 1 : x - y;
    });
    var inGroup = new Map();
    members.forEach(function (m, k) { inGroup.set(m, k); });
    var head = groupHead(kind, g);
    var hd = docs[head];
    var label = kind === 'story' ? 'Story' : 'Duplicate cluster';
    view.appendChild(crumbs([{ text: kind === 'story' ? 'Stories' : 'Clusters', href: kind === 'story' ? '#stories' : '#clusters' }, { text: label + ' #' + (g + 1) }]));

    var oc = outletCounts(members);
    var emb = embeddedCount(members);
    var within = 0, withinWords = 0;
    var seenP = new Set();
    members.forEach(function (m) {
      docPassages(m).forEach(function (k) {
        var p = passages[k];
        if (seenP.has(k)) return;
        if (inGroup.has(p.a) && inGroup.has(p.b)) { seenP.add(k); within++; withinWords += p.words || 0; }
      });
    });
    var header = el('section', { class: 'group-head' },
      el('div', { class: 'eyebrow' }, label + ' #' + (g + 1)),
      docTitle(hd) ? tb('h1', docTitle(hd), 'page-title') : el('h1', { class: 'page-title mono' }, String(hd.id)),
      el('div', { class: 'facts' },
        fact(num(members.length), 'documents'),
        fact(num(oc.length), oc.length === 1 ? 'outlet' : 'outlets'),
        dateRange(members) ? fact(dateRange(members), 'dates') : null,
        fact(num(within), 'shared passages'),
        fact(num(withinWords), 'words matched')),
      el('div', { class: 'chips chips-wrap' }, oc.map(function (e) {
        var c = outletChip(e[0]);
        c.appendChild(el('span', { class: 'chip-n' }, String(e[1])));
        return c;
      })));
    view.appendChild(header);
    if (emb < members.length) {
      view.appendChild(el('div', { class: 'notice' }, emb === 0
        ? 'The texts of this ' + (kind === 'story' ? 'story' : 'cluster') + '\u2019s documents are not embedded in this report (only the largest stories are); their ids, outlets, dates and titles are listed below.'
        : 'Texts of ' + emb + ' of ' + members.length + ' documents are embedded in this report.'));
    }

    // Compare bar.
    var embeddedMembers = members.filter(function (m) { return typeof docs[m].text === 'string'; });
    if (embeddedMembers.length >= 2) {
      var best = bestPair(embeddedMembers, inGroup);
      var selA = docSelect(members, best[0], 'Left document');
      var selB = docSelect(members, best[1], 'Right document');
      var go = el('button', { type: 'button', class: 'btn btn-primary' }, 'Compare side by side');
      go.addEventListener('click', function () {
        var a = +selA.value, b = +selB.value;
        if (a === b) { selB.focus(); return; }
        location.hash = '#compare=' + enc(docs[a].id) + ',' + enc(docs[b].id);
      });
      view.appendChild(el('div', { class: 'toolbar' }, el('span', { class: 'toolbar-label' }, 'Side by side:'), selA, el('span', { class: 'swap', 'aria-hidden': 'true' }, '⇄'), selB, go));
    }

    // Members table.
    var table = el('table', { class: 'table members' }, el('thead', null, el('tr', null,
      el('th', { class: 'sw-col' }, el('span', { class: 'sr' }, 'Colour')), el('th', null, 'Document'), el('th', null, 'Outlet'), el('th', null, 'Date'),
      el('th', null, kind === 'cluster' ? 'Similarity to kept' : 'Cluster'), el('th', { class: 'num' }, 'Passages in ' + (kind === 'story' ? 'story' : 'cluster')))));
    var body = el('tbody');
    members.forEach(function (m, k) {
      var d = docs[m];
      var n = 0;
      docPassages(m).forEach(function (q) { var p = passages[q]; if (inGroup.has(p.a === m ? p.b : p.a)) n++; });
      var clusterCell;
      if (kind === 'cluster') clusterCell = m === head ? el('span', { class: 'tag tag-keep' }, 'kept') : el('span', null, pct(d.sim));
      else {
        var c = groupOf(m, 'cluster');
        clusterCell = c == null ? el('span', { class: 'muted' }, '—') : el('a', { href: groupHref('cluster', c) + (groupHead('cluster', c) === m ? '' : '&doc=' + enc(d.id)), class: 'tag tag-dup' },
          d.dup_of != null ? 'duplicate ' + pct(d.sim) : 'kept of ' + clusters[c].docs.length);
      }
      var sw = el('span', { class: 'swatch' });
      sw.style.setProperty('--h', String(hueAt(k)));
      body.appendChild(el('tr', null,
        el('td', null, sw),
        el('td', null, el('a', { href: '#' + kind + '=' + enc(hd.id) + '&doc=' + enc(d.id), class: 'mlink' },
          docTitle(d) ? tb('span', docTitle(d), 'm-title') : null, el('span', { class: 'mono m-id' }, String(d.id)))),
        el('td', null, d.outlet != null ? outletChip(d.outlet) : el('span', { class: 'muted' }, '—')),
        el('td', { class: 'nowrap' }, dateOf(d) || '—'),
        el('td', null, clusterCell),
        el('td', { class: 'num' }, typeof d.text === 'string' ? num(n) : el('span', { class: 'muted' }, 'no text'))));
    });
    table.appendChild(body);
    view.appendChild(el('section', { class: 'panel panel-flush table-wrap' }, table));

    // Documents, texts filled lazily.
    var cards = el('section', { class: 'cards' });
    var fillers = new Map();
    var hueOf = function (p, other) { return inGroup.has(other) ? hueAt(inGroup.get(other)) : null; };
    var prefer = function (sp) { return inGroup.has(sp.other) ? 1 : 0; };
    members.forEach(function (m, k) {
      var card = docCard(m, k, kind, head, hd);
      cards.appendChild(card.el);
      fillers.set(m, card);
    });
    view.appendChild(cards);
    var io = null;
    function fill(m) {
      var c = fillers.get(m);
      if (!c || c.filled) return;
      c.filled = true;
      if (io) io.unobserve(c.el);
      c.body.replaceChildren(docBody(m, hueOf, prefer));
      c.body.style.minHeight = '';
    }
    var budget = 60000;
    members.forEach(function (m, k) {
      var len = typeof docs[m].text === 'string' ? docs[m].text.length : 0;
      if (k < 2 || (k < 8 && budget > 0)) { fill(m); budget -= len; }
    });
    if ('IntersectionObserver' in window) {
      io = new IntersectionObserver(function (entries) {
        entries.forEach(function (en) { if (en.isIntersecting) fill(+en.target.getAttribute('data-i')); });
      }, { rootMargin: '1500px 0px' });
      fillers.forEach(function (c) { if (!c.filled) io.observe(c.el); });
      cleanups.push(function () { io.disconnect(); });
    } else {
      fillers.forEach(function (c, m) { fill(m); });
    }
    current.fill = fill;
    cleanups.push(function () { fillers.clear(); });
    return (kind === 'story' ? 'Story: ' : 'Cluster: ') + (docTitle(hd) || String(hd.id));
  }

  function fact(v, label) { return el('span', { class: 'fact' }, el('strong', null, v), ' ' + label); }

  // The two documents sharing the most words, as the default comparison.
  function bestPair(members, inGroup) {
    var best = [members[0], members[1]], bw = -1;
    var set = new Set(members);
    members.forEach(function (m) {
      var byOther = new Map();
      docPassages(m).forEach(function (k) {
        var p = passages[k];
        var o = p.a === m ? p.b : p.a;
        if (!set.has(o) || o <= m) return;
        byOther.set(o, (byOther.get(o) || 0) + (p.words || 0));
      });
      byOther.forEach(function (w, o) {
        if (w > bw) { bw = w; best = inGroup.get(m) < inGroup.get(o) ? [m, o] : [o, m]; }
      });
    });
    return best;
  }

  function docSelect(members, selected, label) {
    var s = el('select', { class: 'select', 'aria-label': label });
    members.forEach(function (m) {
      var d = docs[m];
      var parts = [outletName(d.outlet) || 'no outlet', dateOf(d) || '', docTitle(d) || String(d.id)].filter(Boolean);
      var t = parts.join(' · ');
      if (t.length > 90) t = t.slice(0, 89) + '…';
      var o = el('option', { value: String(m), disabled: typeof d.text !== 'string' }, t);
      if (m === selected) o.selected = true;
      s.appendChild(o);
    });
    return s;
  }

  function docCard(m, k, kind, head, hd) {
    var d = docs[m];
    var sw = el('span', { class: 'swatch' });
    sw.style.setProperty('--h', String(hueAt(k)));
    var links = el('span', { class: 'card-links' },
      el('a', { href: '#doc=' + enc(d.id) }, 'Document'),
      m !== head && typeof d.text === 'string' && typeof hd.text === 'string' ? el('a', { href: '#compare=' + enc(hd.id) + ',' + enc(d.id) }, 'Compare with first') : null);
    var header = el('header', { class: 'card-head' },
      sw,
      el('a', { class: 'card-title nav-item', 'data-nav': '', href: '#' + kind + '=' + enc(hd.id) + '&doc=' + enc(d.id) },
        docTitle(d) ? tb('span', docTitle(d), 'card-title-text') : el('span', { class: 'mono' }, String(d.id))),
      el('span', { class: 'card-meta' },
        d.outlet != null ? outletChip(d.outlet) : el('span', { class: 'chip chip-none' }, 'no outlet'),
        dateOf(d) ? el('span', { class: 'card-date' }, dateOf(d)) : null,
        el('span', { class: 'mono card-id' }, String(d.id)),
        kind === 'cluster' ? (m === head ? el('span', { class: 'tag tag-keep' }, 'kept') : el('span', { class: 'tag tag-dup' }, 'similarity ' + pct(d.sim))) : null,
        links));
    var body = el('div', { class: 'card-body' });
    var len = typeof d.text === 'string' ? d.text.length : 0;
    body.style.minHeight = Math.min(4000, Math.max(40, Math.round(len / 95) * 29)) + 'px';
    var art = el('article', { class: 'card', id: 'nd-card-' + m, 'data-i': String(m) }, header, body);
    return { el: art, body: body, filled: false };
  }

  function docBody(m, hueOf, prefer) {
    var d = docs[m];
    if (typeof d.text !== 'string') {
      return el('p', { class: 'muted no-text' }, 'Text not embedded in this report.');
    }
    if (!d.text.length) return el('p', { class: 'muted no-text' }, 'Empty text.');
    return highlightedText(m, docPassages(m), hueOf, prefer);
  }

  // ------------------------------------------------------------ doc page
  function renderDocRoute(r) {
    var id = dec(r.doc || '');
    var i = idIndex.get(id);
    if (i === undefined) return notFound('document', id);
    var d = docs[i];
    var s = groupOf(i, 'story');
    var items = [];
    if (s != null) items.push({ text: 'Story #' + (s + 1), href: groupHref('story', s) + '&doc=' + enc(d.id) });
    items.push({ text: String(d.id), dir: 'auto' });
    view.appendChild(crumbs(items));
    renderDoc(i);
    return docTitle(d) || String(d.id);
  }

  function renderDoc(i) {
    var d = docs[i];
    var s = groupOf(i, 'story'), c = groupOf(i, 'cluster');
    var list = docPassages(i);
    // Colour by the other document.
    var others = [];
    var otherIx = new Map();
    list.forEach(function (k) {
      var p = passages[k];
      var o = p.a === i ? p.b : p.a;
      if (!otherIx.has(o)) { otherIx.set(o, others.length); others.push({ doc: o, passages: 0, words: 0, first: [] }); }
      var e = others[otherIx.get(o)];
      e.passages++;
      e.words += p.words || 0;
      e.first.push(p.id);
    });
    view.appendChild(el('section', { class: 'group-head' },
      el('div', { class: 'eyebrow' }, 'Document'),
      docTitle(d) ? tb('h1', docTitle(d), 'page-title') : el('h1', { class: 'page-title mono' }, String(d.id)),
      el('div', { class: 'facts' },
        el('span', { class: 'mono fact' }, String(d.id)),
        d.outlet != null ? outletChip(d.outlet) : el('span', { class: 'chip chip-none' }, 'no outlet'),
        dateOf(d) ? fact(dateOf(d), '') : null,
        s != null ? el('a', { class: 'tag', href: groupHref('story', s) + '&doc=' + enc(d.id) }, 'story of ' + stories[s].docs.length + ' →') : el('span', { class: 'tag tag-muted' }, 'alone in its story'),
        c != null ? el('a', { class: 'tag tag-dup', href: groupHref('cluster', c) + '&doc=' + enc(d.id) }, d.dup_of != null ? 'duplicate of ' + (docs[d.dup_of] ? docs[d.dup_of].id : '?') + ' (' + pct(d.sim) + ') →' : 'kept copy of ' + clusters[c].docs.length + ' →') : null)));
    var card = el('article', { class: 'card card-single', id: 'nd-card-' + i, 'data-i': String(i) });
    card.appendChild(el('div', { class: 'card-body' }, docBody(i, function (p, o) { return hueAt(otherIx.get(o) || 0); }, null)));
    view.appendChild(card);
    if (others.length) {
      others.sort(function (x, y) { return y.words - x.words; });
      var t = el('table', { class: 'table' }, el('thead', null, el('tr', null,
        el('th', { class: 'sw-col' }), el('th', null, 'Shares passages with'), el('th', null, 'Outlet'), el('th', null, 'Date'),
        el('th', { class: 'num' }, 'Passages'), el('th', { class: 'num' }, 'Words'), el('th', null, ''))));
      var body = el('tbody');
      others.forEach(function (e) {
        var od = docs[e.doc];
        var sw = el('span', { class: 'swatch' });
        sw.style.setProperty('--h', String(hueAt(otherIx.get(e.doc))));
        body.appendChild(el('tr', null, el('td', null, sw),
          el('td', null, el('a', { href: docHref(e.doc), class: 'mlink' }, docTitle(od) ? tb('span', docTitle(od), 'm-title') : null, el('span', { class: 'mono m-id' }, String(od.id)))),
          el('td', null, od.outlet != null ? outletChip(od.outlet) : el('span', { class: 'muted' }, '—')),
          el('td', { class: 'nowrap' }, dateOf(od) || '—'),
          el('td', { class: 'num' }, num(e.passages)), el('td', { class: 'num' }, num(e.words)),
          el('td', null, el('a', { class: 'btn btn-small nav-item', 'data-nav': '', href: '#compare=' + enc(d.id) + ',' + enc(od.id) }, 'Compare'))));
      });
      t.appendChild(body);
      view.appendChild(el('section', { class: 'panel panel-flush table-wrap' }, el('h2', { class: 'panel-pad' }, 'Shared passages by document'), t));
    }
  }

  // ------------------------------------------------------------ compare
  function renderCompareRoute(r) {
    var parts = String(r.compare || '').split(',');
    var ia = idIndex.get(dec(parts[0] || '')), ib = idIndex.get(dec(parts[1] || ''));
    if (ia === undefined) return notFound('document', dec(parts[0] || ''));
    if (ib === undefined) return notFound('document', dec(parts[1] || ''));
    var s = groupOf(ia, 'story');
    var c = groupOf(ia, 'cluster');
    var pool = [];
    var seen = new Set();
    function add(m) { if (!seen.has(m)) { seen.add(m); pool.push(m); } }
    if (s != null) stories[s].docs.forEach(add);
    if (c != null) clusters[c].docs.forEach(add);
    add(ia); add(ib);
    pool.sort(function (x, y) { var a = docs[x].date || '\uffff', b = docs[y].date || '\uffff'; return a < b ? -1 : a > b ? 1 : x - y; });
    var items = [];
    if (s != null) items.push({ text: 'Story #' + (s + 1), href: groupHref('story', s) });
    items.push({ text: 'Side by side' });
    view.appendChild(crumbs(items));

    var between = docPassages(ia).filter(function (k) { var p = passages[k]; return (p.a === ia && p.b === ib) || (p.a === ib && p.b === ia); });
    var order = between.slice().sort(function (x, y) {
      var p = passages[x], q = passages[y];
      return (p.a === ia ? p.as : p.bs) - (q.a === ia ? q.as : q.bs);
    });
    var hueOfP = new Map();
    order.forEach(function (k, n) { hueOfP.set(passages[k].id, hueAt(n)); });
    var words = 0;
    between.forEach(function (k) { words += passages[k].words || 0; });

    var selA = docSelect(pool, ia, 'Left document');
    var selB = docSelect(pool, ib, 'Right document');
    function go() {
      var a = +selA.value, b = +selB.value;
      location.hash = '#compare=' + enc(docs[a].id) + ',' + enc(docs[b].id);
    }
    selA.addEventListener('change', go);
    selB.addEventListener('change', go);
    var swap = el('button', { type: 'button', class: 'btn btn-icon', title: 'Swap sides', 'aria-label': 'Swap sides' }, '⇄');
    swap.addEventListener('click', function () { location.hash = '#compare=' + enc(docs[ib].id) + ',' + enc(docs[ia].id); });
    var prev = el('button', { type: 'button', class: 'btn', title: 'Previous passage (p)' }, '‹ Prev');
    var next = el('button', { type: 'button', class: 'btn', title: 'Next passage (n)' }, 'Next ›');
    var status = el('span', { class: 'cmp-status' }, ia === ib ? 'Choose two different documents.' : between.length
      ? num(between.length) + (between.length === 1 ? ' shared passage' : ' shared passages') + ' · ' + num(words) + ' words'
      : 'No shared passage between these two documents.');
    view.appendChild(el('div', { class: 'toolbar toolbar-compare' }, selA, swap, selB, el('span', { class: 'toolbar-spacer' }), status, prev, next));

    var cols = el('div', { class: 'compare' });
    var scrollers = [];
    [ia, ib].forEach(function (m) {
      var d = docs[m];
      var scroll = el('div', { class: 'cmp-scroll', tabindex: '0' });
      var hue = function (p) { return hueOfP.get(p.id); };
      if (typeof d.text !== 'string') scroll.appendChild(el('p', { class: 'muted no-text' }, 'Text not embedded in this report.'));
      else scroll.appendChild(highlightedText(m, ia === ib ? [] : between, hue, null));
      scrollers.push(scroll);
      cols.appendChild(el('section', { class: 'cmp-col' },
        el('header', { class: 'cmp-head' },
          docTitle(d) ? tb('h2', docTitle(d), 'cmp-title') : el('h2', { class: 'cmp-title mono' }, String(d.id)),
          el('div', { class: 'card-meta' },
            d.outlet != null ? outletChip(d.outlet) : el('span', { class: 'chip chip-none' }, 'no outlet'),
            dateOf(d) ? el('span', { class: 'card-date' }, dateOf(d)) : null,
            el('a', { class: 'mono card-id', href: docHref(m) }, String(d.id)))),
        scroll));
    });
    view.appendChild(cols);

    var at = -1;
    function step(delta) {
      if (!order.length) return;
      at = (at + delta + order.length) % order.length;
      var p = passages[order[at]];
      var sa = p.a === ia ? 'a' : 'b', sb = sa === 'a' ? 'b' : 'a';
      var ea = document.getElementById('nd-p-' + p.id + '-' + sa), eb = document.getElementById('nd-p-' + p.id + '-' + sb);
      if (ea) alignIn(scrollers[0], ea, scrollers[0].clientHeight / 3);
      if (eb) alignIn(scrollers[1], eb, scrollers[1].clientHeight / 3);
      flash(ea); flash(eb);
      setHot(String(p.id));
      status.textContent = 'Passage ' + (at + 1) + ' of ' + order.length + ' · ' + num(p.words) + ' words · similarity ' + pct(p.sim);
    }
    prev.addEventListener('click', function () { step(-1); });
    next.addEventListener('click', function () { step(1); });
    current.step = step;
    return 'Side by side';
  }

  // ------------------------------------------------------------- search
  var DIACRITICS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c-\u200f]/g;
  function normalize(s) {
    return String(s).toLowerCase()
      .replace(DIACRITICS, '')
      .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
      .replace(/\u0649/g, '\u064a').replace(/\u06cc/g, '\u064a')
      .replace(/\u0629/g, '\u0647').replace(/\u06a9/g, '\u0643')
      .replace(/[\u0660-\u0669]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x0660 + 48); })
      .replace(/[\u06f0-\u06f9]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0x06f0 + 48); });
  }
  // Same, with the original offset of every output character (for snippets).
  function normalizeMapped(s) {
    var out = [], map = [];
    for (var i = 0; i < s.length; i++) {
      var n = normalize(s.charAt(i));
      for (var j = 0; j < n.length; j++) { out.push(n.charAt(j)); map.push(i); }
    }
    return { text: out.join(''), map: map };
  }
  var normTitles = null, normTexts = null;
  function searchIndex() {
    if (normTitles) return;
    normTitles = new Array(docs.length);
    normTexts = new Array(docs.length);
    for (var i = 0; i < docs.length; i++) {
      var d = docs[i];
      normTitles[i] = d.title != null ? normalize(d.title) : '';
      normTexts[i] = typeof d.text === 'string' ? normalize(d.text) : null;
    }
  }

  function runSearch(q) {
    var raw = q.trim();
    var res = { ids: [], idTotal: 0, outlets: [], words: [], titleHits: 0 };
    if (!raw) return res;
    var lower = raw.toLowerCase();
    var exact = idIndex.get(raw);
    if (exact !== undefined) { res.ids.push(exact); res.idTotal = 1; }
    for (var i = 0; i < docs.length; i++) {
      if (i === exact) continue;
      if (String(docs[i].id).toLowerCase().indexOf(lower) >= 0) {
        res.idTotal++;
        if (res.ids.length < 20) res.ids.push(i);
      }
    }
    outlets.forEach(function (o, k) { if (String(o).toLowerCase().indexOf(lower) >= 0) res.outlets.push(k); });
    var nq = normalize(raw);
    var tokens = nq.split(/\s+/).filter(function (t) { return t.length > 0; });
    if (!tokens.length || nq.replace(/\s+/g, '').length < 2) return res;
    searchIndex();
    var inTitle = [], inText = [];
    for (var k = 0; k < docs.length; k++) {
      var t = normTitles[k], x = normTexts[k];
      var allTitle = true, all = true;
      for (var j = 0; j < tokens.length; j++) {
        var tok = tokens[j];
        var a = t.indexOf(tok) >= 0;
        if (!a) allTitle = false;
        if (!a && !(x && x.indexOf(tok) >= 0)) { all = false; break; }
      }
      if (!all) continue;
      if (allTitle) inTitle.push(k); else inText.push(k);
    }
    res.words = inTitle.concat(inText);
    res.titleHits = inTitle.length;
    res.tokens = tokens;
    return res;
  }

  function snippetFor(i, tokens) {
    var d = docs[i];
    if (typeof d.text !== 'string' || !tokens || !tokens.length) return null;
    var text = d.text;
    var nm = normalizeMapped(text);
    var at = -1, tok = null;
    for (var j = 0; j < tokens.length && at < 0; j++) { at = nm.text.indexOf(tokens[j]); tok = tokens[j]; }
    if (at < 0) return null;
    var s = nm.map[at], e = nm.map[at + tok.length - 1] + 1;
    var from = Math.max(0, s - 90), to = Math.min(text.length, e + 110);
    var box = el('span', { class: 'snippet', dir: 'auto', 'data-textblock': '' });
    box.appendChild(document.createTextNode((from > 0 ? '…' : '') + text.slice(from, s)));
    box.appendChild(el('mark', { class: 'hit' }, text.slice(s, e)));
    box.appendChild(document.createTextNode(text.slice(e, to) + (to < text.length ? '…' : '')));
    return box;
  }

  var lastSearch = { q: null, res: null };
  function renderSearch(q, page) {
    view.appendChild(crumbs([{ text: 'Search' }]));
    var h = el('h1', { class: 'page-title' }, 'Search');
    view.appendChild(h);
    if (!q.trim()) { view.appendChild(el('p', { class: 'empty' }, 'Type an id, an outlet or some words in the search box (press /).')); return 'Search'; }
    h.appendChild(el('span', { class: 'count' }, el('bdi', null, q)));
    var res = lastSearch.q === q ? lastSearch.res : runSearch(q);
    lastSearch = { q: q, res: res };
    if (res.outlets.length) {
      var sec = el('section', { class: 'panel' }, el('h2', null, 'Outlets'));
      var chips = el('div', { class: 'chips chips-wrap' });
      res.outlets.forEach(function (o) {
        chips.appendChild(el('a', { class: 'chip chip-big nav-item', 'data-nav': '', href: '#outlet=' + enc(outlets[o]), dir: 'auto' }, String(outlets[o]),
          el('span', { class: 'chip-n' }, num(docsOfOutlet(o).length))));
      });
      sec.appendChild(chips);
      view.appendChild(sec);
    }
    if (res.ids.length && page === 1) {
      var s2 = el('section', { class: 'panel panel-flush' }, el('h2', { class: 'panel-pad' }, 'Matching ids', el('span', { class: 'count' }, num(res.idTotal))));
      s2.appendChild(docList(res.ids, null));
      if (res.idTotal > res.ids.length) s2.appendChild(el('p', { class: 'muted panel-pad' }, 'First ' + res.ids.length + ' shown; type more of the id to narrow.'));
      view.appendChild(s2);
    }
    var total = res.words.length;
    var s3 = el('section', { class: 'panel panel-flush' }, el('h2', { class: 'panel-pad' }, 'Documents containing the words', el('span', { class: 'count' }, num(total))));
    if (!total) {
      s3.appendChild(el('p', { class: 'empty panel-pad' }, res.ids.length || res.outlets.length ? 'No title or embedded text contains these words.' : 'Nothing matches. Titles of all documents and the embedded texts are searched.'));
    } else {
      var pages = Math.max(1, Math.ceil(total / PAGE));
      page = Math.min(page, pages);
      var hrefOf = function (p) { return '#search=' + enc(q) + '&page=' + p; };
      var pg = pager(total, page, hrefOf);
      if (pg) s3.appendChild(pg);
      var slice = res.words.slice((page - 1) * PAGE, page * PAGE);
      var snips = slice.map(function (i) { return snippetFor(i, res.tokens); });
      s3.appendChild(docList(slice, snips));
      if (pg) s3.appendChild(pager(total, page, hrefOf));
    }
    view.appendChild(s3);
    return 'Search: ' + q;
  }

  var searchTimer = 0;
  searchInput.addEventListener('input', function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      var q = searchInput.value;
      if (!q.trim()) return;
      var h = '#search=' + enc(q);
      if (current.kind === 'search') { history.replaceState(null, '', h); route(); }
      else location.hash = h;
    }, 200);
  });

  // ------------------------------------------------------------ keyboard
  var navSel = -1;
  function navItems() { return Array.prototype.slice.call(view.querySelectorAll('[data-nav]')); }
  function moveSel(delta) {
    var items = navItems();
    if (!items.length) return false;
    var cur = items.indexOf(document.activeElement);
    if (cur >= 0) navSel = cur;
    navSel = navSel < 0 ? (delta > 0 ? 0 : items.length - 1) : Math.max(0, Math.min(items.length - 1, navSel + delta));
    items.forEach(function (x) { x.classList.remove('is-selected'); });
    var it = items[navSel];
    it.classList.add('is-selected');
    it.focus({ preventScroll: true });
    it.scrollIntoView({ block: 'nearest' });
    return true;
  }
  function stepMarks(delta) {
    if (current.step) { current.step(delta); return; }
    var ms = Array.prototype.slice.call(view.querySelectorAll('mark.hl[id]'));
    if (!ms.length) return;
    var y = window.innerHeight / 3;
    var idx = -1;
    for (var i = 0; i < ms.length; i++) { if (ms[i].getBoundingClientRect().top > y + (delta > 0 ? 2 : -2)) { idx = i; break; } }
    if (delta > 0) idx = idx < 0 ? 0 : idx;
    else idx = (idx < 0 ? ms.length : idx) - 1;
    if (idx < 0) idx = ms.length - 1;
    var m = ms[idx];
    var top = m.getBoundingClientRect().top + window.scrollY - y;
    window.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
    flash(m);
    setHot(m.getAttribute('data-passage'));
  }

  document.addEventListener('keydown', function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    var typing = t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
    if (ev.key === 'Escape') {
      if (!popover.hidden) { closePopover(); ev.preventDefault(); return; }
      if (t === searchInput) {
        if (searchInput.value) { searchInput.value = ''; } else searchInput.blur();
        ev.preventDefault();
        return;
      }
      if (typing) { t.blur(); return; }
      ev.preventDefault();
      goBack();
      return;
    }
    if (t === searchInput) {
      if (ev.key === 'ArrowDown') { ev.preventDefault(); moveSel(1); }
      else if (ev.key === 'Enter') {
        ev.preventDefault();
        clearTimeout(searchTimer);
        var q = searchInput.value;
        if (!q.trim()) return;
        if (current.kind === 'search' && lastSearch.q === q) {
          // Results for this query are on screen: open the first one.
          var items = navItems();
          if (items.length) location.hash = items[0].getAttribute('href');
          return;
        }
        var h = '#search=' + enc(q);
        if (current.kind === 'search') { history.replaceState(null, '', h); route(); } else location.hash = h;
      }
      return;
    }
    if (typing) return;
    if (!popover.hidden && (ev.key === 'ArrowDown' || ev.key === 'ArrowUp')) {
      var bs = Array.prototype.slice.call(popover.querySelectorAll('button'));
      var ix = bs.indexOf(document.activeElement);
      ix = Math.max(0, Math.min(bs.length - 1, ix + (ev.key === 'ArrowDown' ? 1 : -1)));
      if (bs[ix]) bs[ix].focus();
      ev.preventDefault();
      return;
    }
    if (ev.key === '/') { ev.preventDefault(); searchInput.focus(); searchInput.select(); return; }
    if (ev.key === 'j' || ev.key === 'k') { if (moveSel(ev.key === 'j' ? 1 : -1)) ev.preventDefault(); return; }
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      var listy = { overview: 1, stories: 1, clusters: 1, search: 1, outlets: 1, outlet: 1, pair: 1 }[current.kind];
      if (listy && t && t.tagName !== 'CANVAS' && moveSel(ev.key === 'ArrowDown' ? 1 : -1)) ev.preventDefault();
      return;
    }
    if (ev.key === 'n' || ev.key === 'p') { stepMarks(ev.key === 'n' ? 1 : -1); ev.preventDefault(); return; }
    if (ev.key === 'Enter' && t && t.tagName === 'MARK' && t.classList.contains('hl')) { ev.preventDefault(); activateMark(t); return; }
    if (ev.key === 'Enter' && navSel >= 0 && (!t || t === document.body)) {
      var it = navItems()[navSel];
      if (it && it.getAttribute('href')) { location.hash = it.getAttribute('href'); ev.preventDefault(); }
    }
  });

  function goBack() {
    if (navDepth > 0) { navDepth = Math.max(0, navDepth - 2); history.back(); }
    else if (location.hash && location.hash !== '#') location.hash = '';
  }

  window.addEventListener('hashchange', function () { navDepth++; route(); });
  window.addEventListener('scroll', hideTooltip, { passive: true });
  window.addEventListener('resize', hideTooltip);

  document.getElementById('nd-footer-meta').textContent =
    'neardup ' + (D.version || '') + ' · ' + num(docs.length) + ' documents · ' + num(passages.length) + ' passages embedded';
  if (D.title) document.getElementById('nd-brand-title').textContent = 'report';
  route();
})();
