/* Paying an order in the shop: the VietQR code's countdown, copying the account and the
   transfer content, the card number in groups of four, and the sandbox's test cards filled
   in by a tap. Delegated or re-scanned each second: htmx swaps the payment part in. */
(function () {
  "use strict";

  /* Counted from what the server said was left when it drew the part, not from the
     phone's clock, which may be off. */
  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      if (!el.dataset.until) {
        el.dataset.until = String(Date.now() + parseInt(el.dataset.countdown, 10) * 1000);
      }
      var left = Math.max(0, Math.round((parseInt(el.dataset.until, 10) - Date.now()) / 1000));
      var shown = el.querySelector("[data-left]");
      if (left > 0) {
        shown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      } else if (!el.classList.contains("expired")) {
        el.classList.add("expired");
        el.textContent = el.dataset.expiredText;
      }
    });
  }

  tick();
  setInterval(tick, 1000);

  function grouped(value) {
    return value.replace(/\D/g, "").slice(0, 19).replace(/(\d{4})(?=\d)/g, "$1 ");
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (field.name !== "card_number") return;
    var atEnd = field.selectionStart === field.value.length;
    field.value = grouped(field.value);
    if (atEnd) field.setSelectionRange(field.value.length, field.value.length);
  });

  document.addEventListener("click", function (event) {
    var fill = event.target.closest("[data-fill-card]");
    if (fill) {
      var field = fill.closest(".pay-form").querySelector("input[name=card_number]");
      if (field) {
        field.value = grouped(fill.dataset.fillCard);
        field.focus();
      }
      return;
    }
    var copy = event.target.closest("[data-copy]");
    if (copy && navigator.clipboard) {
      navigator.clipboard.writeText(copy.dataset.copy).then(function () {
        copy.classList.add("copied");
        copy.title = copy.dataset.copied;
        setTimeout(function () { copy.classList.remove("copied"); }, 1500);
      });
    }
  });
})();
