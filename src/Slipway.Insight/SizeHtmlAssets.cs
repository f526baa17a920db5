namespace Slipway.Insight;

/// <summary>The inline stylesheet and script of <see cref="SizeHtml"/>. The script lays each treemap out with the
/// squarified algorithm (Bruls, Huizing, van Wijk) and creates one absolutely positioned element per rectangle:
/// <c>.tm-dir</c> frames for opened directories, <c>.tm-rect</c> for files and folded directories.</summary>
internal static class SizeHtmlAssets
{
    public const string Css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:16px 24px;color:#1d2330;background:#fafbfc}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:24px 0 2px}h3{font-size:15px;margin:18px 0 6px}
        .id{color:#667;font:12px monospace;margin:0 0 8px}
        .stats{display:flex;gap:12px;flex-wrap:wrap}
        .stat{background:#fff;border:1px solid #dde;border-radius:6px;padding:6px 12px;min-width:110px}
        .stat .v{font-size:18px;font-weight:600}.stat .k{color:#667;font-size:12px}
        .treemap{position:relative;width:100%;height:560px;background:#eef0f4;border:1px solid #ccd;overflow:hidden}
        .tm-dir,.tm-rect{position:absolute;box-sizing:border-box;overflow:hidden}
        .tm-dir{border:1px solid rgba(0,0,0,.35)}
        .tm-dir>.tm-label{position:absolute;left:2px;top:0;font-size:11px;color:#223;white-space:nowrap}
        .tm-rect{border:1px solid rgba(255,255,255,.6);font-size:10px;color:#111;padding:1px 2px;white-space:nowrap}
        .tm-rect:hover{outline:2px solid #000;z-index:2}
        .legend{list-style:none;padding:0;margin:8px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:12px}
        .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
        table{border-collapse:collapse;background:#fff;font-size:13px}
        th,td{border:1px solid #dde;padding:3px 8px;text-align:left;vertical-align:top}
        td.cmd{font-family:monospace;max-width:720px;overflow-wrap:anywhere}
        .tip{position:fixed;pointer-events:none;background:#1d2330;color:#fff;padding:6px 8px;border-radius:4px;
          font-size:12px;max-width:520px;z-index:10;overflow-wrap:anywhere}
        """;

    public const string Script = """
        (function () {
          'use strict';
          var units = ['B', 'kB', 'MB', 'GB', 'TB'];
          function human(n) {
            var i = 0;
            while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
            return Number(n.toPrecision(3)) + units[i];
          }
          function color(i) { return 'hsl(' + (Math.round((i * 137.508 % 360) * 10) / 10) + ',62%,58%)'; }
          function worst(sum, max, min, side) {
            var s2 = sum * sum, w2 = side * side;
            return Math.max(w2 * max / s2, s2 / (w2 * min));
          }
          // items sorted by area, largest first; their areas fill w*h exactly.
          function squarify(items, x, y, w, h, out) {
            var i = 0;
            while (i < items.length && w > 0 && h > 0) {
              var side = Math.min(w, h), start = i, sum = items[i].area, best = worst(sum, items[i].area, items[i].area, side);
              i++;
              while (i < items.length) {
                var next = sum + items[i].area, r = worst(next, items[start].area, items[i].area, side);
                if (r > best) break;
                sum = next; best = r; i++;
              }
              var k, a;
              if (w >= h) {
                var cw = sum / h, yy = y;
                for (k = start; k < i; k++) { a = items[k].area / cw; out.push({ node: items[k].node, x: x, y: yy, w: cw, h: a }); yy += a; }
                x += cw; w -= cw;
              } else {
                var rh = sum / w, xx = x;
                for (k = start; k < i; k++) { a = items[k].area / rh; out.push({ node: items[k].node, x: xx, y: y, w: a, h: rh }); xx += a; }
                y += rh; h -= rh;
              }
            }
          }
          function draw(host, node, path, x, y, w, h, depth, layers) {
            if (w < 1 || h < 1 || node.s <= 0) return;
            var el = document.createElement('div');
            el.style.left = x + 'px'; el.style.top = y + 'px'; el.style.width = w + 'px'; el.style.height = h + 'px';
            el.dataset.path = path; el.dataset.size = node.s; el.dataset.layer = node.l;
            host.appendChild(el);
            if (!node.c) {
              el.className = 'tm-rect';
              el.style.background = color(node.l);
              if (node.f) el.dataset.folded = '1';
              if (w > 60 && h > 14) el.textContent = node.n;
              return;
            }
            el.className = 'tm-dir';
            var top = 0;
            if (depth > 0 && w > 50 && h > 40) {
              var label = document.createElement('div');
              label.className = 'tm-label'; label.textContent = node.n;
              el.appendChild(label); top = 14;
            }
            var pad = depth > 0 ? 1 : 0, iw = w - 2 * pad - 2, ih = h - top - 2 * pad - 2;
            if (iw < 1 || ih < 1) { el.className = 'tm-rect'; el.style.background = color(node.l); return; }
            var scale = iw * ih / node.s, items = [], rects = [];
            for (var i = 0; i < node.c.length; i++) if (node.c[i].s > 0) items.push({ node: node.c[i], area: node.c[i].s * scale });
            items.sort(function (p, q) { return q.area - p.area; });
            squarify(items, pad, top + pad, iw, ih, rects);
            for (var j = 0; j < rects.length; j++) {
              var r = rects[j], child = r.node;
              draw(el, child, (path === '/' ? '' : path) + '/' + child.n, r.x, r.y, r.w, r.h, depth + 1, layers);
            }
          }
          var tip = document.getElementById('tip');
          document.querySelectorAll('.treemap').forEach(function (host) {
            var id = host.dataset.tree;
            var tree = JSON.parse(document.getElementById(id).textContent);
            var layers = JSON.parse(document.getElementById(id + '-layers').textContent);
            var w = host.clientWidth || 1200, h = host.clientHeight || 560;
            if (tree.s <= 0) { host.textContent = 'The final filesystem holds no file content.'; return; }
            draw(host, tree, '/', 0, 0, w, h, 0, layers);
            host.addEventListener('mousemove', function (e) {
              var t = e.target.closest('[data-path]');
              if (!t || !host.contains(t)) { tip.hidden = true; return; }
              var l = Number(t.dataset.layer);
              tip.textContent = t.dataset.path + (t.dataset.folded ? ' (folded)' : '') + '  ' + human(Number(t.dataset.size)) +
                '  layer ' + l + ': ' + (layers[l] || '');
              tip.hidden = false;
              tip.style.left = Math.min(e.clientX + 12, window.innerWidth - 540) + 'px';
              tip.style.top = (e.clientY + 14) + 'px';
            });
            host.addEventListener('mouseleave', function () { tip.hidden = true; });
          });
        })();
        """;
}
