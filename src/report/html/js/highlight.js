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
        class: 'hl' + (active.length > 1 ? ' hl-multi' : '') + (P.match && P.match !== 'exact' ? ' hl-loose' : ''),
        'data-passage': String(P.id),
        'data-passages': ids.join(' '),
        'data-side': primary.side,
        'data-match': P.match || 'exact',
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

  // How a passage matched, in words a reader understands.
  function matchLabel(p) {
    return p.match === 'reordered' ? 'Reordered (same words, another order)'
      : p.match === 'rewritten' ? 'Rewritten (words replaced, dropped or added)'
      : 'Exact copy';
  }

  function passageTip(p, fromDoc) {
    var other = p.a === fromDoc ? p.b : p.a;
    var od = docs[other] || {};
    var box = el('div', { class: 'tip' });
    box.appendChild(el('div', { class: 'tip-title' }, 'Shared with ', el('bdi', null, outletName(od.outlet) || String(od.id)), dateOf(od) ? ' · ' + dateOf(od) : ''));
    if (docTitle(od)) box.appendChild(tb('div', docTitle(od), 'tip-doc'));
    var first = p.first === 'a' ? p.a : p.first === 'b' ? p.b : null;
    box.appendChild(el('div', { class: 'tip-muted' }, matchLabel(p) + ' · ' + num(p.words) + ' words matched · similarity ' + pct(p.sim) +
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
        el('span', { class: 'pop-w' }, num(p.words) + ' w' + (p.match && p.match !== 'exact' ? ' · ' + p.match : '')));
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

