  // ---------------------------------------------------------- boilerplate
  function boilerplatePanel(onlyOutlet) {
    var panel = el('section', { class: 'panel', id: 'boilerplate' },
      el('div', { class: 'panel-head' }, el('h2', null, 'Boilerplate'),
        el('p', { class: 'panel-sub' }, 'Sentences that recur in many documents of one outlet (signatures, datelines, calls to action), and short lines that begin or end alike (\u2026 marks their variable part: photo credits, link lines); they are left out of shared passages.')));
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
        // A pattern with a slot shows its variable part as an ellipsis.
        var t = String(b.text == null ? '' : b.text);
        if (b.slot === 'after') t = t + ' \u2026';
        else if (b.slot === 'before') t = '\u2026 ' + t;
        body.appendChild(el('tr', null, el('td', null, tb('div', t, 'bp-text')),
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

