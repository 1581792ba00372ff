/* Small behaviours of the o2o pages: store maps, dashboard charts, the POS clock. */
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

  document.querySelectorAll("[data-store-map]").forEach(storeMap);
  document.querySelectorAll("[data-chart]").forEach(chart);
  document.querySelectorAll("[data-clock]").forEach(clock);
})();
