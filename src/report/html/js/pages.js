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
        fact(num(Math.max(within, G.passages || 0)), 'shared passages'),
        fact(num(Math.max(withinWords, G.words || 0)), 'words matched')),
      el('div', { class: 'chips chips-wrap' }, oc.map(function (e) {
        var c = outletChip(e[0]);
        c.appendChild(el('span', { class: 'chip-n' }, String(e[1])));
        return c;
      })));
    view.appendChild(header);
    if (kind === 'story') {
      var tl = timeline(members, inGroup, hd);
      if (tl) view.appendChild(tl);
    }
    if (emb < members.length) {
      view.appendChild(el('div', { class: 'notice' }, emb === 0
        ? 'Text not embedded \u2014 ' + num(G.passages || 0) + ((G.passages || 0) === 1 ? ' shared passage' : ' shared passages') + ' (in shared.jsonl). The texts of this ' + (kind === 'story' ? 'story' : 'cluster') + '\u2019s documents are not embedded in this report (only the largest stories are); their ids, outlets, dates and titles are listed below.'
        : 'Texts of ' + emb + ' of ' + members.length + ' documents are embedded in this report; ' + num(G.passages || 0) + ' shared passages in all (in shared.jsonl), ' + num(within) + ' of them between embedded texts.'));
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

  // A story's timeline: one row per outlet (the 10 with most documents, the
  // rest folded into "others"), one dot per outlet and day, sized by its
  // documents; a dot links to its first document. Null when fewer than two
  // members are dated.
  function timeline(members, inGroup, hd) {
    var day = function (m) { var d = docs[m].date; return d ? Date.parse(String(d).slice(0, 10) + 'T00:00:00Z') / 86400000 : null; };
    var dated = members.filter(function (m) { return day(m) != null; });
    if (dated.length < 2) return null;
    var lo = Math.min.apply(null, dated.map(day)), hi = Math.max.apply(null, dated.map(day));
    var span = Math.max(1, hi - lo);
    var oc = outletCounts(dated);
    var shown = oc.slice(0, oc.length > 11 ? 10 : 11).map(function (e) { return e[0]; });
    var rowOf = function (m) { var k = shown.indexOf(docs[m].outlet); return k < 0 ? shown.length : k; };
    var rows = shown.length + (oc.length > shown.length ? 1 : 0);
    var cells = new Map();
    dated.forEach(function (m) {
      var key = rowOf(m) + ':' + day(m);
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push(m);
    });
    var grid = el('div', { class: 'timeline-rows', role: 'list' });
    for (var r = 0; r < rows; r++) {
      var name = r < shown.length ? (shown[r] != null ? outlets[shown[r]] : 'no outlet') : 'others';
      var track = el('div', { class: 'timeline-track' });
      grid.appendChild(el('div', { class: 'timeline-row', role: 'listitem' }, el('span', { class: 'timeline-name', dir: 'auto' }, name), track));
      cells.forEach(function (ms, key) {
        if (+key.split(':')[0] !== r) return;
        var x = (day(ms[0]) - lo) / span * 100;
        var when = String(docs[ms[0]].date).slice(0, 10);
        var label = name + ', ' + when + ': ' + ms.length + (ms.length === 1 ? ' document' : ' documents') +
          ms.slice(0, 5).map(function (m) { return '\n\u2022 ' + (docTitle(docs[m]) || docs[m].id); }).join('');
        var dot = el('a', { class: 'timeline-dot', href: '#story=' + enc(hd.id) + '&doc=' + enc(docs[ms[0]].id), title: label, 'aria-label': label });
        dot.style.left = x + '%';
        dot.style.setProperty('--h', String(hueAt(inGroup.get(ms[0]))));
        dot.style.setProperty('--s', String(Math.min(22, 8 + 3 * Math.sqrt(ms.length - 1))) + 'px');
        track.appendChild(dot);
      });
    }
    var undated = members.length - dated.length;
    var lo_s = new Date(lo * 86400000).toISOString().slice(0, 10), hi_s = new Date(hi * 86400000).toISOString().slice(0, 10);
    return el('section', { class: 'panel timeline', 'aria-label': 'Timeline' },
      el('div', { class: 'panel-head' }, el('h2', null, 'Timeline'),
        el('p', { class: 'panel-sub' }, 'When each outlet ran the story: one dot per outlet and day, larger for more documents.')),
      grid,
      el('div', { class: 'timeline-axis' }, el('span', null, lo_s), el('span', null, hi === lo ? '' : hi_s)),
      undated ? el('p', { class: 'muted' }, num(undated) + (undated === 1 ? ' document is' : ' documents are') + ' undated.') : null);
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
    var bothEmbedded = typeof docs[ia].text === 'string' && typeof docs[ib].text === 'string';
    var status = el('span', { class: 'cmp-status' }, ia === ib ? 'Choose two different documents.' : between.length
      ? num(between.length) + (between.length === 1 ? ' shared passage' : ' shared passages') + ' · ' + num(words) + ' words'
      : bothEmbedded ? 'No shared passage between these two documents.'
        : 'Text not embedded \u2014 their shared passages, if any, are in shared.jsonl.');
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
      status.textContent = 'Passage ' + (at + 1) + ' of ' + order.length + ' · ' + matchLabel(p) + ' · ' + num(p.words) + ' words · similarity ' + pct(p.sim);
    }
    prev.addEventListener('click', function () { step(-1); });
    next.addEventListener('click', function () { step(1); });
    current.step = step;
    return 'Side by side';
  }

