// optout serve: live reload. Loaded from {base_path}__optout/live.js by every served page (an
// external file, so the site's Content-Security-Policy holds). Messages: see src/serve/live.rs.
// Everything shown comes in as text: the overlay is built with DOM APIs and textContent only.
(function () {
  'use strict';
  if (window.__optoutLive) { return; }
  window.__optoutLive = true;

  var script = document.currentScript;
  var dir = new URL('.', script ? script.src : location.origin + '/__optout/live.js');
  var base = dir.pathname.replace(/__optout\/$/, '');
  var scrollKey = 'optout:scroll:' + location.pathname;
  var seen = null; // "instance:generation" of the last message, to notice missed updates

  // The output path of this page: /de/anleitungen/ -> de/anleitungen/index.html.
  function outputPath() {
    var p = location.pathname;
    try { p = decodeURIComponent(p); } catch (e) { /* keep it encoded */ }
    p = p.indexOf(base) === 0 ? p.slice(base.length) : p.replace(/^\/+/, '');
    if (p === '' || p.charAt(p.length - 1) === '/') { p += 'index.html'; }
    return p;
  }

  // A page served for an unknown URL shows the 404 page: it changes with that page.
  function servedAs404() {
    var nav = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
    return !!nav && nav.responseStatus === 404;
  }

  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* private mode */ }
    location.reload();
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) { return; }
    if (saved === null) { return; }
    var y = Number(saved) || 0;
    // `instant`: the theme may ask for smooth scrolling, which would animate from the top.
    var jump = function () { window.scrollTo({ top: y, left: 0, behavior: 'instant' }); };
    jump();
    // Images and fonts can change the height after the first paint: once more when loaded.
    window.addEventListener('load', jump, { once: true });
  }

  function track(data) {
    if (data && typeof data.generation === 'number' && seen !== null) {
      seen = seen.split(':')[0] + ':' + data.generation;
    }
  }

  function affectsThisPage(data) {
    if (data.full) { return true; }
    var me = outputPath();
    var paths = data.changed.concat(data.removed);
    if (paths.indexOf(me) >= 0) { return true; }
    return servedAs404() && paths.some(function (p) { return /(^|\/)404\.html$/.test(p); });
  }

  // Fetch this page's new HTML and put its stylesheets in place of the old ones, old ones
  // removed only once the new ones have loaded (no flash of unstyled content).
  function swapStylesheets() {
    fetch(location.href, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        var hrefs = Array.prototype.map.call(
          fresh.querySelectorAll('link[rel~="stylesheet"]'),
          function (l) { return l.getAttribute('href'); });
        var old = Array.prototype.filter.call(
          document.querySelectorAll('link[rel~="stylesheet"]'),
          function (l) { return !l.hasAttribute('data-optout'); });
        var anchor = old.length ? old[old.length - 1] : null;
        hrefs.forEach(function (href, i) {
          var link = document.createElement('link');
          link.rel = 'stylesheet';
          var same = old[i] && old[i].getAttribute('href') === href;
          link.href = same ? href + (href.indexOf('?') < 0 ? '?' : '&') + 'optout=' + Date.now() : href;
          var previous = old[i];
          link.addEventListener('load', function () { if (previous) { previous.remove(); } }, { once: true });
          if (anchor && anchor.parentNode) {
            anchor.parentNode.insertBefore(link, anchor.nextSibling);
            anchor = link;
          } else {
            document.head.appendChild(link);
          }
        });
        old.slice(hrefs.length).forEach(function (l) { l.remove(); });
      })
      .catch(reload);
  }

  function overlayStylesheet() {
    if (document.querySelector('link[data-optout="overlay"]')) { return; }
    var link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = dir.href + 'overlay.css';
    link.setAttribute('data-optout', 'overlay');
    document.head.appendChild(link);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }

  function locationOf(d) {
    var s = String(d.file);
    if (d.line) { s += ':' + d.line; if (d.column) { s += ':' + d.column; } }
    return s;
  }

  function showErrors(list) {
    overlayStylesheet();
    clearErrors();
    var box = el('div', 'optout-overlay');
    box.id = 'optout-overlay';
    box.setAttribute('role', 'alert');
    var panel = el('div', 'optout-overlay-panel');
    var head = el('div', 'optout-overlay-head');
    var n = list.length;
    head.appendChild(el('strong', null, n + (n === 1 ? ' error' : ' errors')));
    head.appendChild(el('span', null, 'The page shows the last version that built. Fix the file and save.'));
    var close = el('button', 'optout-overlay-close', '×');
    close.type = 'button';
    close.setAttribute('aria-label', 'Hide');
    close.addEventListener('click', clearErrors);
    head.appendChild(close);
    panel.appendChild(head);
    var ol = el('ol', 'optout-overlay-list');
    list.forEach(function (d) {
      var li = el('li', d.severity === 'warning' ? 'optout-warning' : 'optout-error');
      li.appendChild(el('div', 'optout-loc', locationOf(d)));
      li.appendChild(el('div', 'optout-msg', d.message));
      if (d.hint) { li.appendChild(el('div', 'optout-hint', 'hint: ' + d.hint)); }
      ol.appendChild(li);
    });
    panel.appendChild(ol);
    box.appendChild(panel);
    (document.body || document.documentElement).appendChild(box);
  }

  function clearErrors() {
    var old = document.getElementById('optout-overlay');
    if (old) { old.remove(); }
  }

  function parse(e) {
    try { return JSON.parse(e.data); } catch (err) { return null; }
  }

  function connect() {
    var es = new EventSource(dir.href + 'events');
    es.addEventListener('hello', function (e) {
      var d = parse(e);
      if (!d) { return; }
      var id = d.instance + ':' + d.generation;
      if (seen !== null && seen !== id) { reload(); return; }
      seen = id;
    });
    es.addEventListener('reload', function (e) {
      var d = parse(e);
      if (!d) { return; }
      track(d);
      if (affectsThisPage(d)) { reload(); }
    });
    es.addEventListener('css', function (e) {
      track(parse(e));
      swapStylesheets();
    });
    // Named `error` events carry data; the EventSource's own connection errors do not (it
    // reconnects by itself, and `hello` then tells whether anything was missed).
    es.addEventListener('error', function (e) {
      if (typeof e.data !== 'string') { return; }
      var list = parse(e);
      if (list) { showErrors(list); }
    });
    es.addEventListener('ok', function (e) {
      track(parse(e));
      clearErrors();
      reload();
    });
  }

  restoreScroll();
  connect();
})();
