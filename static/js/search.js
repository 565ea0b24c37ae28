/* Room search: near me, the results map beside the list (a list/map switch on phones), the
   map's "search this area", and the language switch that keeps the search. The page works
   without this file: the form submits, the list and its links are plain HTML. */
(function () {
  "use strict";

  var PHONE = "(max-width: 60rem)";
  var map, markers, placing = false;

  function form() { return document.querySelector(".search-form"); }

  function clearPlace(target) {
    ["region", "district", "area", "lat", "lng"].forEach(function (name) {
      if (target.elements[name]) target.elements[name].value = "";
    });
  }

  function submit(target) {
    target.requestSubmit();
  }

  function nearMe() {
    var button = document.getElementById("near-me");
    if (!button) return;
    if (!("geolocation" in navigator)) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        var target = button.form;
        // Near me replaces the place filters: a district chosen earlier would hide nearer rooms.
        clearPlace(target);
        target.elements.lat.value = position.coords.latitude.toFixed(5);
        target.elements.lng.value = position.coords.longitude.toFixed(5);
        target.elements.sort.value = "distance";
        document.body.dataset.scrollToResults = "true";
        submit(target);
      }, function () {
        window.alert(button.dataset.error);
      }, { timeout: 10000, maximumAge: 600000 });
    });
  }

  function popup(point, element) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.name;
    box.appendChild(link);
    var state = document.createElement("p");
    state.textContent = point.free ? element.dataset.free : element.dataset.busy;
    box.appendChild(state);
    if (point.book) {
      var book = document.createElement("a");
      book.href = point.book;
      book.className = "button button--small";
      book.textContent = element.dataset.book;
      box.appendChild(book);
    }
    return box;
  }

  function areaControl(element) {
    var Control = L.Control.extend({
      onAdd: function () {
        var button = L.DomUtil.create("button", "button map-area");
        button.type = "button";
        button.textContent = element.dataset.area;
        button.hidden = true;
        L.DomEvent.disableClickPropagation(button);
        button.addEventListener("click", function () {
          var b = map.getBounds(), target = form();
          clearPlace(target);
          target.elements.area.value = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]
            .map(function (x) { return x.toFixed(4); }).join(",");
          button.hidden = true;
          submit(target);
        });
        map.on("dragend zoomend", function () { if (!placing) button.hidden = false; });
        return button;
      }
    });
    new Control({ position: "topright" }).addTo(map);
  }

  function drawMap() {
    var element = document.getElementById("results-map");
    var data = document.getElementById("map-points");
    if (!element || !data || typeof L === "undefined") return;
    var points = JSON.parse(data.textContent);
    if (!map) {
      map = L.map(element, { scrollWheelZoom: false });
      L.tileLayer(element.dataset.tiles, {
        maxZoom: 18,
        attribution: element.dataset.attribution
      }).addTo(map);
      markers = L.layerGroup().addTo(map);
      placing = true;
      map.setView([36.4, 127.9], 7);
      areaControl(element);
    }
    markers.clearLayers();
    var bounds = [];
    points.forEach(function (point) {
      L.circleMarker([point.lat, point.lng], {
        radius: 9,
        weight: 2,
        color: "#ffffff",
        fillColor: point.free ? "#0f6b32" : "#8a4b00",
        fillOpacity: 0.9,
        className: point.free ? "marker marker--free" : "marker marker--busy"
      }).bindTooltip(point.name).bindPopup(popup(point, element)).addTo(markers);
      bounds.push([point.lat, point.lng]);
    });
    if (bounds.length && !form().elements.area.value) {
      placing = true;
      map.fitBounds(bounds, { maxZoom: 14, padding: [24, 24], animate: false });
    }
    placing = false;
  }

  function viewSwitch() {
    var group = document.querySelector(".view-switch");
    var layout = document.querySelector(".search-layout");
    if (!group || !layout) return;
    group.hidden = false;
    group.addEventListener("click", function (event) {
      var button = event.target.closest("[data-view]");
      if (!button) return;
      layout.dataset.view = button.dataset.view;
      group.querySelectorAll("[data-view]").forEach(function (other) {
        other.setAttribute("aria-pressed", String(other === button));
      });
      if (map && button.dataset.view === "map") {
        // Drawn while hidden, the map had no size: measure it again and fit the markers.
        map.invalidateSize();
        drawMap();
      }
    });
  }

  function keepSearchOnLanguageSwitch() {
    var next = document.querySelector(".lang-switch input[name=next]");
    if (next) next.value = window.location.pathname + window.location.search;
  }

  function afterResults() {
    drawMap();
    keepSearchOnLanguageSwitch();
    if (document.body.dataset.scrollToResults && window.matchMedia(PHONE).matches) {
      document.getElementById("results").scrollIntoView();
    }
    delete document.body.dataset.scrollToResults;
  }

  document.addEventListener("DOMContentLoaded", function () {
    nearMe();
    viewSwitch();
    drawMap();
  });
  document.addEventListener("htmx:afterSettle", afterResults);
  document.addEventListener("htmx:pushedIntoHistory", keepSearchOnLanguageSwitch);
})();
