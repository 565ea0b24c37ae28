/* Room search: "near me" and the results map. The page works without this file. */
(function () {
  "use strict";

  function nearMe() {
    var button = document.getElementById("near-me");
    if (!button) return;
    if (!("geolocation" in navigator)) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var form = button.form;
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lng.value = position.coords.longitude.toFixed(5);
        form.requestSubmit();
      }, function () {
        window.alert(button.dataset.error);
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  var map, markers;

  function drawMap() {
    var element = document.getElementById("results-map");
    var data = document.getElementById("map-points");
    if (!element || !data || typeof L === "undefined") return;
    var points = JSON.parse(data.textContent);
    if (!map) {
      map = L.map(element, { scrollWheelZoom: false });
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 18,
        attribution: "&copy; OpenStreetMap contributors"
      }).addTo(map);
      markers = L.layerGroup().addTo(map);
    }
    markers.clearLayers();
    if (!points.length) { element.hidden = true; return; }
    element.hidden = false;
    var bounds = [];
    points.forEach(function (point) {
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.name;
      L.marker([point.lat, point.lng], { title: point.name }).bindPopup(link).addTo(markers);
      bounds.push([point.lat, point.lng]);
    });
    map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nearMe();
    drawMap();
  });
  document.addEventListener("htmx:afterSettle", drawMap);
})();
