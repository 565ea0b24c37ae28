// Room page: draw the facility on a Leaflet map and refresh the timeline when the tab is shown again.
(function () {
  "use strict";

  function drawMap() {
    var element = document.getElementById("room-map");
    var source = document.getElementById("room-map-data");
    if (!element || !source) {
      return;
    }
    if (typeof window.L === "undefined") {
      element.hidden = true;
      return;
    }
    var place = JSON.parse(source.textContent);
    var map = window.L.map(element, { scrollWheelZoom: false }).setView(
      [place.latitude, place.longitude],
      15
    );
    window.L.tileLayer(element.dataset.tiles, {
      maxZoom: 19,
      attribution: element.dataset.attribution,
    }).addTo(map);
    window.L.marker([place.latitude, place.longitude], { title: place.name }).addTo(map);
  }

  function refreshTimelineWhenVisible() {
    document.addEventListener("visibilitychange", function () {
      var timeline = document.getElementById("timeline");
      if (document.visibilityState === "visible" && timeline && window.htmx) {
        window.htmx.trigger(timeline, "boms:refresh");
      }
    });
  }

  function start() {
    drawMap();
    refreshTimelineWhenVisible();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
