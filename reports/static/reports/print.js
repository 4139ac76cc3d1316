// A "印刷する" button ([data-print]) opens the browser's print dialog; no inline handler.
(function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
