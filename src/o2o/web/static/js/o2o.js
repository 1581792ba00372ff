/* Small behaviours of the o2o pages: store maps, dashboard charts, the POS clock, and
   "available near you" (the shopper's position and the map of nearby stores). */
(function () {
  "use strict";

  function storeMap(el) {
    if (!window.L) return;
    var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
    var map = L.map(el, { scrollWheelZoom: false, attributionControl: !!el.dataset.tiles })
      .setView([lat, lon], 16);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
      }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    var pin = L.divIcon({
      className: "", html: '<div class="map-pin"><i class="bi bi-shop"></i></div>',
      iconSize: [38, 38], iconAnchor: [19, 38], popupAnchor: [0, -36]
    });
    var marker = L.marker([lat, lon], { icon: pin, title: el.dataset.name }).addTo(map);
    if (el.dataset.name) marker.bindPopup("<strong></strong>").getPopup().setContent(
      document.createTextNode(el.dataset.name));
  }

  function chart(el) {
    if (!window.Chart) return;
    var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#75695f";
    new Chart(el, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [{
          label: spec.label, data: spec.values, backgroundColor: "#e4572e",
          hoverBackgroundColor: "#c2441d", borderRadius: 8, maxBarThickness: 44
        }]
      },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0 }, grid: { color: "#f0e8e0" } }
        }
      }
    });
  }

  function clock(el) {
    var fmt = new Intl.DateTimeFormat(document.documentElement.lang, {
      hour: "2-digit", minute: "2-digit", timeZone: el.dataset.timezone
    });
    var tick = function () { el.textContent = fmt.format(new Date()); };
    tick();
    setInterval(tick, 15000);
  }

  /* "Available near you": numbered store pins matching the list, and the shopper's point.
     The pins are HTML, so they show even without map tiles (offline, or tiles turned off). */
  function nearbyMap(el) {
    if (!window.L) return;
    var map = L.map(el, {
      scrollWheelZoom: false, zoomSnap: 0.25, zoomControl: false,
      attributionControl: !!el.dataset.tiles
    });
    L.control.zoom({ position: "bottomright" }).addTo(map);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, {
        maxZoom: 19,
        attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
      }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    var you = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lon)];
    var points = [you];
    L.marker(you, {
      icon: L.divIcon({ className: "", html: '<div class="you-pin"></div>', iconSize: [22, 22] }),
      title: el.dataset.you, keyboard: false, zIndexOffset: 1000  // small: never hidden by a pin
    }).addTo(map);
    el.closest("#nearby").querySelectorAll("[data-pin]").forEach(function (row) {
      var at = [parseFloat(row.dataset.lat), parseFloat(row.dataset.lon)];
      var pin = L.divIcon({
        className: "", iconSize: [34, 34], iconAnchor: [17, 34], popupAnchor: [0, -32],
        html: '<div class="map-pin map-pin-sm"><span>' + parseInt(row.dataset.pin, 10) + "</span></div>"
      });
      var popup = document.createElement("a");
      popup.href = row.getAttribute("href");
      popup.textContent = row.dataset.name;
      L.marker(at, { icon: pin, title: row.dataset.name }).addTo(map).bindPopup(popup);
      points.push(at);
    });
    // Pins stand above their point; the zoom buttons sit bottom right: keep clear of both.
    map.fitBounds(L.latLngBounds(points), {
      paddingTopLeft: [28, 48], paddingBottomRight: [60, 20], maxZoom: 15
    });
  }

  /* "Use my location": the browser's position, or the city picker when it is refused. */
  function locate(button) {
    var section = button.closest("#nearby");
    var label = button.querySelector("span"), idle = label.textContent;
    var failed = function () {
      button.disabled = false;
      label.textContent = idle;
      section.querySelector("[data-locate-failed]").hidden = false;
    };
    if (!navigator.geolocation || !window.isSecureContext) return failed();
    button.disabled = true;
    label.textContent = button.dataset.busy;
    navigator.geolocation.getCurrentPosition(function (position) {
      var near = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
      htmx.ajax("GET", button.dataset.url + "&near=" + encodeURIComponent(near),
                { target: section, swap: "innerHTML" });
    }, failed, { timeout: 10000, maximumAge: 600000 });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-locate]");
    if (button) locate(button);
  });

  document.querySelectorAll("[data-store-map]").forEach(storeMap);
  document.querySelectorAll("[data-chart]").forEach(chart);
  document.querySelectorAll("[data-clock]").forEach(clock);
  if (window.htmx) {
    htmx.onLoad(function (root) {
      if (root.querySelectorAll) root.querySelectorAll("[data-nearby-map]").forEach(nearbyMap);
    });
  }
})();
