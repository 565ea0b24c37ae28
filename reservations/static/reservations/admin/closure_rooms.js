// The closure form's room list follows its facility: on each change of the facility, the
// list is replaced by that facility's rooms (read from the admin, scoped like it). Without
// JavaScript the form's "List the rooms" button does the same with a round trip.
(function () {
  "use strict";

  function fill(select, rooms, wholeLabel) {
    var chosen = select.value;
    select.textContent = "";
    var whole = document.createElement("option");
    whole.value = "";
    whole.textContent = wholeLabel;
    select.appendChild(whole);
    rooms.forEach(function (room) {
      var option = document.createElement("option");
      option.value = String(room.id);
      option.textContent = room.name;
      option.selected = option.value === chosen;
      select.appendChild(option);
    });
  }

  function follow(roomSelect) {
    var facility = document.getElementById(roomSelect.dataset.roomsOf);
    if (!facility) {
      return;
    }
    var url = new URL(roomSelect.dataset.roomsUrl, window.location.href);
    var wholeLabel = roomSelect.options.length ? roomSelect.options[0].textContent : "---------";
    function update() {
      if (!/^\d+$/.test(facility.value)) {
        fill(roomSelect, [], wholeLabel);
        return;
      }
      url.searchParams.set("facility", facility.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { rooms: [] };
        })
        .then(function (data) {
          fill(roomSelect, data.rooms, wholeLabel);
        });
    }
    // The admin's autocomplete (select2) announces a choice through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(facility).on("change", update);
    } else {
      facility.addEventListener("change", update);
    }
    // The admin's form rows set their own display, which would show a `hidden` row.
    document.querySelectorAll("[data-show-rooms]").forEach(function (row) {
      row.remove();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-rooms-of]").forEach(follow);
  });
})();
