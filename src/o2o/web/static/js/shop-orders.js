/* The shop's checkout and order pages: the shopper's position for the store list, a pin for
   a delivery, one submit of "Place order", and an order's status followed live. */
(function () {
  "use strict";

  /* "Use my location" on the checkout: reload the store list sorted by distance. */
  function locateTo(button) {
    var label = button.querySelector("span"), idle = label.textContent;
    var failed = function () {
      button.disabled = false;
      label.textContent = idle;
      var note = document.querySelector("[data-locate-failed]");
      if (note) note.hidden = false;
    };
    if (!navigator.geolocation || !window.isSecureContext) return failed();
    button.disabled = true;
    label.textContent = button.dataset.busy;
    navigator.geolocation.getCurrentPosition(function (position) {
      var near = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
      window.location.href = button.dataset.locateTo + "&near=" + encodeURIComponent(near);
    }, failed, { timeout: 10000, maximumAge: 600000 });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-locate-to]");
    if (button) locateTo(button);
  });

  /* Order ahead: another store has other slots. */
  document.addEventListener("change", function (event) {
    var radio = event.target.closest("input[data-reload]");
    if (radio && radio.checked) window.location.href = radio.dataset.reload;
  });

  /* "Place order" is sent once (the Idempotency-Key makes a resent form harmless anyway);
     cancelling asks first. Delegated: the order's status part is swapped in live. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var button = form.querySelector("button");
    if (button && button.dataset.busy) {
      button.querySelector("span").textContent = button.dataset.busy;
      setTimeout(function () { button.disabled = true; }, 0);
    }
  });

  /* Delivery: a draggable pin sets the coordinates; the city moves it to its centre. */
  function pinMap(el) {
    var lat = document.getElementById("lat"), lon = document.getElementById("lon");
    var city = document.querySelector("[data-city-pin]");
    var toCity = function () {
      var option = city.options[city.selectedIndex];
      lat.value = option.dataset.lat;
      lon.value = option.dataset.lon;
    };
    if (!window.L) {
      el.hidden = true;
      if (city) city.addEventListener("change", toCity);
      return;
    }
    var at = [parseFloat(lat.value), parseFloat(lon.value)];
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!el.dataset.tiles })
      .setView(at, 14);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
      }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    var pin = L.marker(at, {
      draggable: true, autoPan: true,
      icon: L.divIcon({ className: "", html: '<div class="map-pin"><i class="bi bi-house-door"></i></div>',
                        iconSize: [38, 38], iconAnchor: [19, 38] })
    }).addTo(map);
    pin.on("dragend", function () {
      var point = pin.getLatLng();
      lat.value = point.lat.toFixed(5);
      lon.value = point.lng.toFixed(5);
    });
    if (city) city.addEventListener("change", function () {
      toCity();
      var point = [parseFloat(lat.value), parseFloat(lon.value)];
      pin.setLatLng(point);
      map.setView(point, 14);
    });
  }

  document.querySelectorAll("[data-pin-map]").forEach(pinMap);

  /* An order's status, live: each move the server sends brings the fresh status part of
     the page; the stream is closed once the order can move no more. */
  function follow() {
    var box = document.getElementById("order-live");
    if (!box || !window.EventSource || !window.htmx || box.dataset.open !== "true") return;
    var seen = parseInt(box.dataset.lastEvent, 10) || 0;
    var source = new EventSource(box.dataset.events);
    source.addEventListener("status", function (event) {
      var id = parseInt(event.lastEventId, 10) || 0;
      if (id <= seen) return;
      seen = id;
      htmx.ajax("GET", box.dataset.live, { target: "#order-live", swap: "outerHTML" });
    });
    document.body.addEventListener("htmx:afterSettle", function () {
      var fresh = document.getElementById("order-live");
      if (fresh && fresh.dataset.open !== "true") source.close();
    });
  }

  follow();
})();
