/* The map page's drawing code and day keeper (served at /app/static/kz/map.js and written
 * into the offline export). Python only wires it: see mapview.DayDraw and mapview.DayLayers.
 *
 * Messages from the server (protocol version kz.PROTOCOL; a message of another version is
 * refused, recorded in window.__kzRefused, and nothing is drawn from it):
 *   days  {v, days: [ISO day...], limit, controls: {next, prev, day}}   once per map
 *   step  {v, key, layers: [[layer, FeatureCollection, byRegion]...], kept: [[key, layers]...]}
 *         on every server step: the day shown and the neighbouring days to keep.
 * `controls` are CSS selectors of the page's own controls, named by the server (the page
 * knows no widget of its own): `next` and `prev` the buttons that step one day, `day` the
 * range input whose value is the index of the day in `days`. Any of them may be absent.
 *
 * kz.draw(group, data, layer, byRegion): draws one GeoJSON layer into a group. Points with
 *   `r` become circles of r metres (areas); points with `px` markers of px pixels, in their
 *   `shape` (circle, square, triangle, diamond: kz.ShapeMarker); lines and polygons are drawn
 *   as they are. With byRegion, features that carry `region` take their outline from the
 *   basemap the page fetched once (window.__kzBasemap). Each feature is named for screen
 *   readers by its tooltip's text and opens its popup from the keyboard (kz.named).
 * kz.dayKeeper(map, days): keeps the day layers it is sent (at most `limit` days, the shown one
 *   never evicted) and shows one day; `predict(delta)` and `predictDay(index)` show a
 *   neighbouring day at once from what it keeps.
 * kz.hearSteps(keeper, controls): hears the controls and asks the keeper to predict.
 * kz.dayStep(keeper, step): a step's message: the neighbours kept, the day shown.
 * kz.basemap(map, url), kz.legend(map, html), kz.cityLabels(map, cities): the base map's parts.
 *   The basemap file's `attribution` (credits of the data drawn) shows in Leaflet's
 *   attribution control.
 * kz.offlineMap(map, {url | tiles, attribution, bounds, minZoom, maxZoom}): the street map the
 *   traveller brought (raster tiles), between the basemap and the day's layers, in the pane
 *   kz.offlinePane(map) makes; vectormap.js draws a vector one there.
 *   The legend folds behind a button, remembers whether it was open (localStorage) and starts
 *   folded on a map narrower than kz.LEGEND_NARROW.
 * kz.skipControl(map): the map's first keyboard stop, which moves the focus past its features
 *   to the page's next control (kz.focusAfter); made with the legend.
 * kz.fit(map, bounds): frames bounds clear of the legend's corner, and frames them again when
 *   the map is resized or the legend opened before the viewer moved the map.
 * kz.moveOnce(group, slot, key, move, args), kz.mapClass(group, cls, on), kz.clickMode(list):
 *   the view and the modes a step sets.
 */
(function (root) {
  'use strict';
  var kz = root.kz = root.kz || {};
  kz.PROTOCOL = 1;

  // folium's page forbids the viewer to zoom it (maximum-scale=1, user-scalable=no): allowed
  // again (WCAG 1.4.4), when the script loads and when the map is made (kz.legend).
  kz.allowZoom = function () {
    root.document.querySelectorAll('meta[name="viewport"]').forEach(function (meta) {
      meta.setAttribute('content', 'width=device-width, initial-scale=1');
    });
  };
  kz.allowZoom();

  kz.accepts = function (message) {
    if (message && message.v === kz.PROTOCOL) { return true; }
    (root.__kzRefused = root.__kzRefused || []).push(message ? message.v : null);
    return false;
  };

  kz.draw = function (group, data, layer, byRegion) {
    var gen = group.__kzGen;
    var draw = function () {
      return L.geoJSON(data, {
        pointToLayer: function (f, latlng) {
          var p = f.properties;
          return p.r ? L.circle(latlng, {radius: p.r})
                     : new kz.ShapeMarker(latlng, {radius: p.px, shape: p.shape});
        },
        style: function (f) { return f.properties.style; },
        onEachFeature: function (f, l) {
          var p = f.properties;
          l.options.kzId = p.id;
          l.options.kzLayer = layer;
          if (p.hatch) { l.on('add', function () { kz.hatch(l, p.hatch); }); }
          if (p.tooltip) { l.bindTooltip(p.tooltip, {sticky: !!p.r}); }
          if (p.popup) {
            l.bindPopup(function () { return kz.withSources(p.popup); }, {maxWidth: 340});
          }
          if (p.tooltip) { kz.named(l, p.tooltip); }
        }
      }).addTo(group);
    };
    if (!byRegion) { draw(); return; }
    // Region outlines come from the basemap the page already holds (StaticBasemap).
    (root.__kzBasemap || Promise.reject()).then(function (d) {
      if (group.__kzGen !== gen) { return; }  // another day was shown meanwhile
      if (!root.__kzRegionShapes) {
        root.__kzRegionShapes = {};
        d.features.forEach(function (f) {
          if (f.properties.layer === 'region') {
            root.__kzRegionShapes[f.properties.id] = f.geometry;
          }
        });
      }
      data.features.forEach(function (f) {
        if (f.properties.region) {
          f.geometry = root.__kzRegionShapes[f.properties.region] || null;
        }
      });
      data.features = data.features.filter(function (f) { return f.geometry; });
      // Drawn after the other layers: put the areas back beneath them.
      draw().bringToBack();
    }).catch(function () {});
  };

  // The sources popups cite by id (a list <ul data-kz-src='["id", ...]'>), which come with
  // the basemap file (kz.basemap); a popup's lists are filled when it opens. The table's items are the server's HTML,
  // escaped there like every popup.
  kz.sources = function (table) { root.__kzSources = table || {}; };
  kz.withSources = function (html) {
    var box = document.createElement('div');
    box.innerHTML = html;
    var table = root.__kzSources || {};
    Array.prototype.forEach.call(box.querySelectorAll('ul[data-kz-src]'), function (ul) {
      var ids = [];
      try { ids = JSON.parse(ul.getAttribute('data-kz-src')) || []; } catch (err) { ids = []; }
      ul.innerHTML = ids.filter(function (id) {
        return Object.prototype.hasOwnProperty.call(table, id);
      }).map(function (id) { return '<li>' + table[id] + '</li>'; }).join('');
    });
    return box;
  };

  // An area filled with stripes of its colour (the avoid-zones): a pattern besides the
  // colour, so that it is told from the solid (a region's state of emergency) and the dashed
  // (a city's curfew) areas without relying on colour. SVG only: another renderer, or a
  // colour that is not a plain hex colour, leaves the plain fill.
  kz.hatch = function (l, colour) {
    var path = l._path, svg = path && path.ownerSVGElement;
    if (!svg || !/^#[0-9a-fA-F]{3,8}$/.test(colour)) { return; }
    var ns = 'http://www.w3.org/2000/svg';
    var id = 'kz-hatch-' + colour.slice(1).toLowerCase();
    if (!svg.querySelector('#' + id)) {
      var defs = svg.querySelector('defs');
      if (!defs) { defs = svg.insertBefore(document.createElementNS(ns, 'defs'), svg.firstChild); }
      var pattern = document.createElementNS(ns, 'pattern');
      pattern.setAttribute('id', id);
      pattern.setAttribute('patternUnits', 'userSpaceOnUse');
      pattern.setAttribute('width', '8');
      pattern.setAttribute('height', '8');
      pattern.setAttribute('patternTransform', 'rotate(45)');
      var stripe = document.createElementNS(ns, 'rect');
      stripe.setAttribute('width', '3');
      stripe.setAttribute('height', '8');
      stripe.setAttribute('fill', colour);
      pattern.appendChild(stripe);
      defs.appendChild(pattern);
    }
    path.setAttribute('fill', 'url(#' + id + ')');
  };

  // A point marker in a shape: a circle, or a square, triangle or diamond of about the same
  // size (SVG only; another renderer draws the circle). The shape is a cue besides the colour.
  var SHAPES = {
    square: [[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]],
    triangle: [[0, -1.25], [1.15, 0.85], [-1.15, 0.85]],
    diamond: [[0, -1.3], [1.3, 0], [0, 1.3], [-1.3, 0]]
  };
  kz.ShapeMarker = L.CircleMarker.extend({
    _updatePath: function () {
      var corners = SHAPES[this.options.shape];
      if (!corners || !this._renderer._setPath || this._empty()) {
        return L.CircleMarker.prototype._updatePath.call(this);
      }
      var p = this._point, r = this._radius;
      this._renderer._setPath(this, 'M' + corners.map(function (c) {
        return (p.x + c[0] * r).toFixed(1) + ',' + (p.y + c[1] * r).toFixed(1);
      }).join('L') + 'z');
    }
  });

  // Text from tooltip html (escaped by the server; tags only <br>, <b>, <i>): the tags
  // dropped and the character references decoded in a textarea, whose content is text that
  // never becomes elements. Remembered: the same tooltips come back day after day.
  var texts = {}, kept = 0, decoder = null;
  kz.text = function (html) {
    if (Object.prototype.hasOwnProperty.call(texts, html)) { return texts[html]; }
    decoder = decoder || root.document.createElement('textarea');
    decoder.innerHTML = html.replace(/<br\s*\/?>/gi, '; ').replace(/<[^>]*>/g, '');
    var text = decoder.value.replace(/\s+/g, ' ').trim();
    if (++kept > 5000) { texts = {}; kept = 1; }  // bounded, for an import's long days
    texts[html] = text;
    return text;
  };

  // A feature named by its tooltip's words, reachable with Tab: focus shows its tooltip,
  // Enter or Space opens its popup.
  kz.named = function (layer, tooltip) {
    var name = kz.text(tooltip);
    layer.on('add', function () {
      var el = layer.getElement && layer.getElement();
      if (!el || el.__kzNamed) { return; }
      el.__kzNamed = true;
      el.setAttribute('aria-label', name);
      el.setAttribute('role', layer.getPopup() ? 'button' : 'img');
      el.setAttribute('tabindex', '0');
      L.DomEvent.on(el, 'focus', function () { layer.openTooltip(); });
      L.DomEvent.on(el, 'blur', function () { layer.closeTooltip(); });
      L.DomEvent.on(el, 'keydown', function (e) {
        if ((e.key === 'Enter' || e.key === ' ') && layer.getPopup()) {
          L.DomEvent.preventDefault(e);
          layer.openPopup();
        }
      });
    });
  };

  kz.dayKeeper = function (map, message) {
    if (!kz.accepts(message)) { return null; }
    var self = {days: message.days, cache: {}, order: [], shown: null, group: null, log: []};
    var limit = message.limit;
    self.keep = function (key, layers) {
      if (!(key in self.cache)) { self.order.push(key); }
      self.cache[key] = layers;
      // Evict the oldest days beyond the limit, never the one shown.
      while (self.order.length > limit) {
        var i = self.order[0] === self.shown ? 1 : 0;
        if (i >= self.order.length) { break; }
        delete self.cache[self.order.splice(i, 1)[0]];
      }
    };
    self.show = function (key, layers, how) {
      if (layers) { self.keep(key, layers); }
      var drawn = !(self.shown === key && self.group);
      self.log.push([how || 'step', key, drawn]);
      if (self.log.length > 50) { self.log.shift(); }
      if (!drawn) { return false; }
      if (!self.group) { self.group = L.featureGroup().addTo(map); }
      self.group.__kzGen = (self.group.__kzGen || 0) + 1;
      self.group.clearLayers();
      (self.cache[key] || []).forEach(function (l) {
        kz.draw(self.group, l[1], l[0], l[2]);
      });
      self.shown = key;
      return true;
    };
    self.predictDay = function (j) {
      if (!self.shown || !(j >= 0 && j < self.days.length)) { return false; }
      var key = self.days[j] + self.shown.slice(self.shown.indexOf('|'));
      if (key === self.shown || !(key in self.cache)) { return false; }
      return self.show(key, null, 'predicted');
    };
    self.predict = function (delta) {
      if (!self.shown) { return false; }
      var i = self.days.indexOf(self.shown.slice(0, self.shown.indexOf('|')));
      return i < 0 ? false : self.predictDay(i + delta);
    };
    return self;
  };

  kz.hearSteps = function (keeper, controls) {
    // Clicks are heard in the capture phase, before the page handles them; the day input's
    // value is watched, since a drag or a key moves it before the server's step.
    if (!keeper || !controls || root.parent === root || root.__kzHeard) { return; }
    try {
      var doc = root.parent.document;
      var heard = function (e) {
        var t = e.target, b = null, delta = 0;
        [[controls.next, 1], [controls.prev, -1]].forEach(function (c) {
          var hit = c[0] && t && t.closest && t.closest(c[0]);
          if (hit && !b) { b = hit; delta = c[1]; }
        });
        if (b && !b.disabled) { keeper.predict(delta); }
      };
      doc.addEventListener('click', heard, true);
      var dayNow = function () {
        var el = controls.day && doc.querySelector(controls.day);
        return el ? el.value : null;
      };
      var day = dayNow();  // only a change of it is heard
      var watch = new MutationObserver(function () {
        var now = dayNow();
        if (now !== day) {
          day = now;
          if (now !== null && now !== '') { keeper.predictDay(parseInt(now, 10)); }
        }
      });
      watch.observe(doc.body, {subtree: true, childList: true, attributes: true,
                               attributeFilter: ['value', 'aria-valuetext']});
      root.__kzHeard = true;
      root.addEventListener('pagehide', function () {
        doc.removeEventListener('click', heard, true);
        watch.disconnect();
      });
    } catch (err) { /* another origin: no prediction, the server's steps still draw */ }
  };

  kz.dayStep = function (keeper, step) {
    if (!keeper || !kz.accepts(step)) { return; }
    step.kept.forEach(function (k) { keeper.keep(k[0], k[1]); });
    keeper.show(step.key, step.layers);
  };

  // Vector basemap fetched by the browser from a static file (not embedded in the map).
  kz.basemap = function (map, url) {
    if (!map.getPane('basemap')) {
      map.createPane('basemap');
      map.getPane('basemap').style.zIndex = 250;
      map.getPane('basemap').style.pointerEvents = 'none';
    }
    // The day's region layers take their outlines from here instead of every step.
    root.__kzBasemap = fetch(url).then(function (r) { return r.json(); });
    root.__kzBasemap.then(function (d) {
      if (d.sources) { kz.sources(d.sources); }
      var style = function (f) {
        var k = f.properties.layer;
        if (k === 'sea') {
          return {color: '#9ecae1', weight: 0.5, fillColor: '#c6dbef', fillOpacity: 1};
        }
        if (k === 'home') {
          return {color: '#525252', weight: 1.2, fillColor: '#f7f4ea', fillOpacity: 1};
        }
        if (k === 'water') {
          return {color: '#6baed6', weight: 0.6, fillColor: '#c6dbef', fillOpacity: 1};
        }
        if (k === 'region') {
          return {color: '#969696', weight: 0.7, dashArray: '3 3', fill: false};
        }
        return {color: '#bdbdbd', weight: 0.8, fillColor: '#e5e5e5', fillOpacity: 1};
      };
      // The credits of its data (HTML from the server) go to Leaflet's attribution control.
      var credit = (d.attribution || []).join(' | ') || null;
      L.geoJSON(d, {pane: 'basemap', interactive: false, attribution: credit, style: style})
        .addTo(map);
      map.getContainer().setAttribute('data-basemap', 'ready');
    }).catch(function () {
      map.getContainer().setAttribute('data-basemap', 'failed');
    });
  };

  // The street map the traveller brought (an MBTiles file): tiles the app serves from its
  // static folder (o.url), or carried in the page as data URLs (o.tiles, the offline export).
  // Drawn above the vector basemap and below the day's layers; outside its area and zooms
  // nothing is asked for.
  var NO_TILE = 'data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==';
  kz.offlinePane = function (map) {
    if (!map.getPane('offline')) {
      map.createPane('offline');
      map.getPane('offline').style.zIndex = 280;
      map.getPane('offline').style.pointerEvents = 'none';
    }
    return 'offline';
  };
  kz.offlineMap = function (map, o) {
    kz.offlinePane(map);
    var options = {pane: 'offline', attribution: o.attribution, bounds: o.bounds,
                   minZoom: Math.max(0, o.minZoom - 3), maxZoom: 19,
                   minNativeZoom: o.minZoom, maxNativeZoom: o.maxZoom, kzOffline: true};
    var layer;
    if (o.tiles) {
      var Carried = L.TileLayer.extend({getTileUrl: function (c) {
        return o.tiles[c.z + '/' + c.x + '/' + c.y] || NO_TILE;
      }});
      layer = new Carried('', options);
    } else {
      layer = L.tileLayer(o.url, options);
    }
    layer.addTo(map);
    map.getContainer().setAttribute('data-offline-map', 'ready');
    return layer;
  };

  // The legend: html built by the server from the vocabulary (escaped there), behind a button
  // that folds it. Whether it is open is remembered in the frame's localStorage (a storage
  // that fails, or is refused, only forgets); with nothing remembered it opens folded on a map
  // narrower than kz.LEGEND_NARROW.
  kz.LEGEND_KEY = 'kz-legend-open';
  kz.LEGEND_NARROW = 1000;  // px: at 1366x768 the map is about 930 px wide
  kz.remembered = function (key) {
    try { return root.localStorage.getItem(key); } catch (err) { return null; }
  };
  kz.remember = function (key, value) {
    try { root.localStorage.setItem(key, value); } catch (err) { /* forgotten */ }
  };
  kz.legend = function (map, html) {
    kz.allowZoom();
    var legend = L.control({position: 'topright'});
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'kz-legend');
      var button = L.DomUtil.create('button', 'kz-legend-toggle', div);
      var body = L.DomUtil.create('div', 'kz-legend-body', div);
      button.type = 'button';
      button.id = 'kz-legend-toggle';
      button.innerHTML = 'Legend<span class="kz-chevron" aria-hidden="true"></span>';
      body.id = 'kz-legend-body';
      body.setAttribute('role', 'region');
      body.setAttribute('aria-labelledby', button.id);
      body.innerHTML = html;
      button.setAttribute('aria-controls', body.id);
      var stored = kz.remembered(kz.LEGEND_KEY);
      var open = stored === null ? map.getSize().x >= kz.LEGEND_NARROW : stored === '1';
      var show = function (on) {
        open = on;
        body.hidden = !on;
        button.setAttribute('aria-expanded', on ? 'true' : 'false');
        L.DomUtil[on ? 'addClass' : 'removeClass'](div, 'kz-legend-open');
      };
      show(open);
      L.DomEvent.on(button, 'click', function () {
        show(!open);
        kz.remember(kz.LEGEND_KEY, open ? '1' : '0');
        kz.refit(map);
      });
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    legend.addTo(map);
    map.__kzLegend = legend.getContainer();
    kz.skipControl(map);
  };

  // The first stop of the keyboard in the map, shown while it has the focus: a button that
  // moves the focus past the map's features (each one a tab stop) to the page's next control
  // after the map (after the map's frame, in the app).
  kz.FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]):not([type=hidden]),' +
    'select:not([disabled]),textarea:not([disabled]),summary,[tabindex]:not([tabindex="-1"])';
  kz.skipControl = function (map) {
    var box = map.getContainer();
    if (box.__kzSkip || !box.parentNode) { return; }
    var button = root.document.createElement('button');
    button.type = 'button';
    button.className = 'kz-skip';
    button.textContent = 'Skip the map';
    box.parentNode.insertBefore(button, box);
    box.__kzSkip = button;
    button.addEventListener('click', function () { kz.focusAfter(root.frameElement || box); });
  };
  // Focuses the first visible control after `node` in its document; true if there was one.
  kz.focusAfter = function (node) {
    var doc = node.ownerDocument;
    var all = doc.querySelectorAll(kz.FOCUSABLE);
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (node.contains(el) || !(node.compareDocumentPosition(el) & 4)) { continue; }
      if (!el.getClientRects().length) { continue; }  // hidden: not a stop of the keyboard
      el.focus();
      if (doc.activeElement === el) { return true; }
    }
    return false;
  };

  // The padding that keeps bounds clear of the legend's corner: beside it (to its left) or
  // under it, whichever frames them larger; none when neither leaves room to frame them.
  // [paddingTopLeft, paddingBottomRight] in pixels.
  kz.legendPadding = function (map, bounds) {
    var none = [[0, 0], [0, 0]];
    var legend = map.__kzLegend;
    var size = map.getSize();
    if (!legend || !legend.offsetWidth || !isFinite(map.getZoom())) { return none; }
    var frame = map.getContainer().getBoundingClientRect();
    var box = legend.getBoundingClientRect();
    var right = Math.max(0, frame.right - box.left) + 4;
    var top = Math.max(0, box.bottom - frame.top) + 4;
    var zoom = function (pad) {
      var z = size.x - pad.x > 80 && size.y - pad.y > 80 ? map.getBoundsZoom(bounds, false, pad)
                                                         : -Infinity;
      return isFinite(z) ? z : -Infinity;
    };
    var beside = zoom(L.point(right, 0)), under = zoom(L.point(0, top));
    if (beside === -Infinity && under === -Infinity) { return none; }
    return beside >= under ? [[0, 0], [right, 0]] : [[0, top], [0, 0]];
  };

  // Frames bounds clear of the legend. Until the viewer moves the map, a change of the map's
  // size or the legend's (opened, folded, its styles arriving late, presentation's larger
  // type) frames them again.
  kz.fit = function (map, bounds) {
    var b = L.latLngBounds(bounds);
    var pad = kz.legendPadding(map, b);
    var state = map.__kzFit;
    if (!state) {
      state = map.__kzFit = {};
      map.on('movestart', function () { if (!state.fitting) { state.moved = true; } });
      map.on('resize', function () { kz.refit(map); });
      if (root.ResizeObserver) {
        var watch = new ResizeObserver(function () {
          map.invalidateSize({pan: false});
          kz.refit(map);
        });
        watch.observe(map.getContainer());
        if (map.__kzLegend) { watch.observe(map.__kzLegend); }
      }
    }
    state.bounds = b;
    state.moved = false;
    var size = map.getSize();
    if (!size.x || !size.y) { return; }  // not laid out yet: its first resize frames it
    state.fitting = true;
    try {
      map.fitBounds(b, {animate: false, paddingTopLeft: pad[0], paddingBottomRight: pad[1]});
    } finally {
      state.fitting = false;
    }
  };
  kz.refit = function (map) {
    var state = map.__kzFit;
    if (state && state.bounds && !state.moved) { kz.fit(map, state.bounds); }
  };

  // The cities' names ([escaped name, lat, lon]), as labels that take no clicks, in one layer.
  kz.cityLabels = function (map, cities) {
    var labels = L.layerGroup();
    cities.forEach(function (c) {
      L.marker([c[1], c[2]], {interactive: false, keyboard: false, icon: L.divIcon({
        className: '', html: '<div class="kz-city">' + c[0] + '</div>',
        iconSize: [120, 16], iconAnchor: [-6, 8]})}).addTo(labels);
    });
    labels.addTo(map);
  };

  // Moves the map the first time a key is shown, never again after: the viewer's own pan and
  // zoom win on every later step. `slot` is the page's record of the last key moved to; `move`
  // 'focus' ([lat, lon, zoom]: centre, never zooming out) or 'fit' ([[s, w], [n, e]]).
  kz.moveOnce = function (group, slot, key, move, args) {
    var map = group._map || root.map_div;
    if (!map || root[slot] === key) { return; }
    root[slot] = key;
    var go = function () {
      if (move === 'focus') {
        map.setView([args[0], args[1]], Math.max(map.getZoom(), args[2]), {animate: false});
      } else {
        kz.fit(map, args);
      }
    };
    // Leaflet ignores a new view while a zoom animation runs: wait for its end.
    if (map._animatingZoom) { map.once('zoomend', go); } else { go(); }
  };

  // Puts a CSS class on the map's container, or takes it off: a mode of the whole map.
  kz.mapClass = function (group, cls, on) {
    var map = group._map || root.map_div;
    if (!map) { return; }
    var el = map.getContainer();
    // Only a change is written: a step that keeps the mode mutates nothing.
    if (L.DomUtil.hasClass(el, cls) !== !!on) { L.DomUtil[on ? 'addClass' : 'removeClass'](el, cls); }
  };

  // Whether a click on the map is sent back to the app: streamlit-folium reads the objects it
  // returns from the frame's __GLOBAL_DATA__, fixed when the map first mounts.
  kz.clickMode = function (returned) {
    var data = root.__GLOBAL_DATA__;
    if (data) { data.returned_objects = returned; }
  };
})(window);
