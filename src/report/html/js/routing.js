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

