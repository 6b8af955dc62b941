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

