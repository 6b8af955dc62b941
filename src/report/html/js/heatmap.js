  // ------------------------------------------------------------- heatmap
  var RAMP = [[247, 250, 253], [214, 230, 244], [158, 202, 225], [74, 152, 201], [23, 100, 171], [8, 48, 107]];
  function rampColor(t) {
    t = Math.max(0, Math.min(1, t));
    var x = t * (RAMP.length - 1), i = Math.min(RAMP.length - 2, Math.floor(x)), f = x - i;
    var a = RAMP[i], b = RAMP[i + 1];
    return 'rgb(' + Math.round(a[0] + (b[0] - a[0]) * f) + ',' + Math.round(a[1] + (b[1] - a[1]) * f) + ',' + Math.round(a[2] + (b[2] - a[2]) * f) + ')';
  }

  // The heatmap shows at most this many outlets: those with the most shared
  // text; the others are in the outlet table (and outlets.csv).
  var HEAT_MAX = 30;

  function heatmapView() {
    // Outlets by shared characters, the top HEAT_MAX kept in their order.
    var total = outlets.map(function () { return 0; });
    heatmap.forEach(function (c) {
      if (!c || c.a == null || c.b == null || c.a === c.b) return;
      total[c.a] += c.chars || 0;
      total[c.b] += c.chars || 0;
    });
    var idx = outlets.map(function (_, i) { return i; });
    var folded = 0;
    if (idx.length > HEAT_MAX) {
      idx.sort(function (x, y) { return total[y] - total[x] || x - y; });
      folded = idx.length - HEAT_MAX;
      idx = idx.slice(0, HEAT_MAX).sort(function (x, y) { return x - y; });
    }
    var local = new Map();
    idx.forEach(function (g, i) { local.set(g, i); });
    var n = idx.length;
    var cells = new Map();
    var max = 0;
    heatmap.forEach(function (c) {
      if (!c || c.a == null || c.b == null || c.a === c.b) return;
      if (!local.has(c.a) || !local.has(c.b)) return;
      cells.set(local.get(c.a) * n + local.get(c.b), c);
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
    var labels = idx.map(function (g) {
      var s = String(outlets[g]);
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
      el('span', { class: 'legend-note' }, 'share of the row outlet\u2019s words (colour on a square-root scale); grey: same outlet' +
        (folded ? '; the ' + HEAT_MAX + ' outlets with the most shared text, ' + num(folded) + ' others in the table below and outlets.csv' : '')));
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
      showTooltip(heatTip(idx[hit.row], idx[hit.col], c), clientX, clientY);
    }
    canvas.addEventListener('mousemove', function (ev) { var h = cellAt(ev); if (h && !h.label) focus = h; show(h, ev.clientX, ev.clientY); });
    canvas.addEventListener('mouseleave', function () { hover.hidden = true; hideTooltip(); });
    canvas.addEventListener('click', function (ev) {
      var h = cellAt(ev);
      if (!h) return;
      if (h.label) { location.hash = '#outlet=' + enc(outlets[idx[h.row]]); return; }
      if (h.row !== h.col && cells.get(h.row * n + h.col)) location.hash = '#pair=' + enc(outlets[idx[h.row]]) + ',' + enc(outlets[idx[h.col]]);
    });
    canvas.addEventListener('keydown', function (ev) {
      var moved = true;
      if (ev.key === 'ArrowRight') focus.col = Math.min(n - 1, focus.col + 1);
      else if (ev.key === 'ArrowLeft') focus.col = Math.max(0, focus.col - 1);
      else if (ev.key === 'ArrowDown') focus.row = Math.min(n - 1, focus.row + 1);
      else if (ev.key === 'ArrowUp') focus.row = Math.max(0, focus.row - 1);
      else if (ev.key === 'Enter') { if (focus.row !== focus.col && cells.get(focus.row * n + focus.col)) location.hash = '#pair=' + enc(outlets[idx[focus.row]]) + ',' + enc(outlets[idx[focus.col]]); return; }
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

