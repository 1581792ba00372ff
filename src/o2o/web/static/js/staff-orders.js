/* The POS order screens: a scanner types the code into the focused input and presses
   Enter, so an input marked data-keep-focus takes the focus back whenever nothing else
   holds it (a click on empty space, the queue refreshing itself). */
(function () {
  "use strict";

  function idle() {
    var active = document.activeElement;
    return !active || active === document.body || active === document.documentElement;
  }

  function keepFocus(input) {
    var refocus = function () {
      setTimeout(function () {
        if (idle() && !String(window.getSelection() || "")) input.focus();
      }, 0);
    };
    input.addEventListener("blur", refocus);
    document.addEventListener("htmx:afterSwap", refocus);
  }

  document.querySelectorAll("[data-keep-focus]").forEach(keepFocus);
})();
