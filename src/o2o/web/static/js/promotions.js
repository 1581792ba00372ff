/* The promotion screens: the form shows the fields its kind uses, the pick lists filter as
   one types, and the batch sheet prints. The live preview itself is htmx. */
(function () {
  "use strict";

  function showKind(form) {
    var picked = form.querySelector("[data-kind]:checked");
    var kind = picked ? picked.value : "";
    form.querySelectorAll("[data-kinds]").forEach(function (el) {
      el.hidden = el.dataset.kinds.split(" ").indexOf(kind) < 0;
    });
  }

  var form = document.getElementById("promo-form");
  if (form) {
    showKind(form);
    form.addEventListener("change", function (event) {
      if (event.target.matches("[data-kind]")) showKind(form);
      var choice = event.target.closest(".choice");
      if (choice) {
        form.querySelectorAll(".choice").forEach(function (c) {
          c.classList.toggle("active", c.querySelector("input").checked);
        });
      }
    });
    form.addEventListener("input", function (event) {
      if (!event.target.matches("[data-pick-filter]")) return;
      var words = event.target.value.trim().toLowerCase();
      event.target.closest("[data-pick-list]").querySelectorAll(".pick-item").forEach(function (item) {
        item.hidden = words !== "" && item.textContent.toLowerCase().indexOf(words) < 0;
      });
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
