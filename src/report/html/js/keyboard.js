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
