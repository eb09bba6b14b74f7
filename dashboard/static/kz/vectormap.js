/* The street map the traveller brought as a vector PMTiles archive (an OpenStreetMap extract
 * in the Protomaps basemap schema), drawn on canvas by protomaps-leaflet (the global
 * `protomapsL`, loaded before this file; it carries the pmtiles reader). Loaded after map.js.
 *
 * kz.vectorMap(map, {url | data, attribution, bounds, minZoom, maxZoom}): draws the archive in
 *   the offline pane (kz.offlinePane), between the vector basemap and the day's layers, from
 *   zoom minZoom (the server chooses it: tilearchive's first_zoom) up, its tiles drawn larger
 *   beyond maxZoom.
 *   `url`: the archive on the app's own server, read with HTTP range requests. `data`: the
 *   archive itself in base64 (the offline export), read from a Blob: no request at all.
 *   Without the renderer nothing is drawn and the map's container says so
 *   (data-offline-map="no-renderer").
 * kz.blobSource(blob, key): a pmtiles Source reading byte ranges of a Blob.
 * kz.base64Bytes(text): the bytes of a base64 string.
 *
 * The style is protomaps-leaflet's "light" flavor, English labels: it draws with canvas and
 * the browser's own fonts, and asks for no font, glyph or sprite file. The flavor's
 * background colour is left out, so that outside the archive's data the vector basemap shows.
 */
(function (root) {
  'use strict';
  var kz = root.kz = root.kz || {};
  kz.VECTOR_FLAVOR = 'light';

  kz.base64Bytes = function (text) {
    var raw = root.atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  };

  kz.blobSource = function (blob, key) {
    return {
      getKey: function () { return key; },
      getBytes: function (offset, length) {
        return blob.slice(offset, offset + length).arrayBuffer().then(function (data) {
          return {data: data};
        });
      }
    };
  };

  // The bundle exports no PMTiles class by name; its PmtilesSource makes one (no request is
  // made until a tile is asked for), whose constructor takes a Source or a URL.
  kz.pmtilesClass = function () {
    return new root.protomapsL.PmtilesSource('probe.pmtiles', false).p.constructor;
  };

  kz.vectorMap = function (map, o) {
    var container = map.getContainer();
    if (!root.protomapsL) {
      container.setAttribute('data-offline-map', 'no-renderer');
      return null;
    }
    var PMTiles = kz.pmtilesClass();
    var archive = o.data
      ? new PMTiles(kz.blobSource(new root.Blob([kz.base64Bytes(o.data)]), 'offline-map'))
      : new PMTiles(o.url);
    var layer = root.protomapsL.leafletLayer({
      url: archive, flavor: kz.VECTOR_FLAVOR, lang: 'en', pane: kz.offlinePane(map),
      attribution: o.attribution, bounds: o.bounds, maxDataZoom: o.maxZoom,
      minZoom: o.minZoom, maxZoom: 19, kzOffline: true
    });
    layer.backgroundColor = undefined;
    layer.addTo(map);
    container.setAttribute('data-offline-map', 'ready');
    return layer;
  };
})(window);
