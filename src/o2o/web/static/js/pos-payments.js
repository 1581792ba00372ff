/* The counter's payment step and the customer's QR screen.
   - [data-cash-form]: the change as the cashier types or taps the banknotes handed over.
   - [data-card]: fills the terminal's card field with a sandbox test card.
   - [data-countdown]: minutes:seconds until an ISO moment; at zero the screen expires.
   - [data-watch-payment]: asks the payments API every two seconds; when the status changes
     the page reloads (data-reload) or the screen shows the new state (data-state). */
(function () {
  "use strict";

  var money = new Intl.NumberFormat(document.documentElement.lang === "en" ? "en" : "vi-VN",
                                    { style: "currency", currency: "VND" });

  function amountOf(text) {
    var raw = String(text || "").trim().toLowerCase().replace(/[\s.,₫đ]/g, "");
    var thousands = raw.slice(-1) === "k";
    if (thousands) raw = raw.slice(0, -1);
    if (!/^\d{1,13}$/.test(raw)) return null;
    return parseInt(raw, 10) * (thousands ? 1000 : 1);
  }

  /* The banknotes a customer likely hands over for ``amount``: the server's
     o2o.payments.cash.suggested_tenders, redone here when the cashier types a part of the
     order (a split payment) instead of all of it. */
  function likelyTenders(amount) {
    var found = {};
    [10000, 50000, 100000, 500000].forEach(function (step) {
      found[Math.ceil(amount / step) * step] = true;
    });
    found[(Math.floor(amount / 500000) + 1) * 500000] = true;
    return Object.keys(found).map(Number)
      .filter(function (tender) { return tender > amount; })
      .sort(function (a, b) { return a - b; }).slice(0, 4);
  }

  document.querySelectorAll("[data-cash-form]").forEach(function (form) {
    var amount = form.querySelector("[data-amount]");
    var tendered = form.querySelector("[data-tendered]");
    var change = form.querySelector("[data-change]");
    var box = change.closest(".change-live");
    var caption = box.querySelector(".caption");
    var buttons = form.querySelectorAll("[data-tender]");
    function retender() {
      var due = amountOf(amount.value);
      if (!due) return;
      var tenders = [due].concat(likelyTenders(due));
      buttons.forEach(function (button, i) {
        button.hidden = i >= tenders.length;
        if (i >= tenders.length) return;
        button.dataset.tender = tenders[i];
        if (i > 0) button.textContent = money.format(tenders[i]);
      });
    }
    function update() {
      var due = amountOf(amount.value) || 0;
      var given = tendered.value.trim() ? amountOf(tendered.value) : due;
      var diff = (given || 0) - due;
      box.classList.toggle("short", diff < 0);
      caption.textContent = diff < 0 ? change.dataset.shortLabel : change.dataset.changeLabel;
      change.textContent = money.format(Math.abs(diff));
      form.querySelectorAll("[data-tender]").forEach(function (button) {
        button.classList.toggle("active", amountOf(button.dataset.tender) === given &&
                                          tendered.value.trim() !== "");
      });
    }
    form.querySelectorAll("[data-tender]").forEach(function (button) {
      button.addEventListener("click", function () {
        tendered.value = button.dataset.tender;
        update();
      });
    });
    amount.addEventListener("input", function () { retender(); update(); });
    tendered.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("[data-card]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = button.closest("form").querySelector("[name=card_number]");
      field.value = button.dataset.card;
    });
  });

  document.querySelectorAll("#pay-card [data-amount]").forEach(function (field) {
    var shown = document.querySelector("[data-terminal-amount]");
    field.addEventListener("input", function () {
      var value = amountOf(field.value);
      shown.textContent = value === null ? "—" : money.format(value);
    });
  });

  document.querySelectorAll("[data-countdown]").forEach(function (clock) {
    var end = Date.parse(clock.dataset.countdown);
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      clock.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0) {
        var screen = clock.closest("[data-state]");
        if (screen && screen.dataset.state === "pending") screen.dataset.state = "expired";
        return;
      }
      setTimeout(tick, 1000);
    }
    tick();
  });

  document.querySelectorAll("[data-watch-payment]").forEach(function (watched) {
    var url = watched.dataset.watchPayment;
    function ask() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.json() : null; })
        .then(function (payment) {
          if (payment && payment.status !== watched.dataset.status) {
            watched.dataset.status = payment.status;
            if (watched.hasAttribute("data-reload")) {
              window.location.reload();
              return;
            }
            watched.dataset.state = payment.status;
          }
          if (!payment || payment.status === "pending" || payment.status === "challenge_required") {
            setTimeout(ask, 2000);
          }
        })
        .catch(function () { setTimeout(ask, 4000); });
    }
    setTimeout(ask, 2000);
  });
})();
