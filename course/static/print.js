// The print button on printable pages (kept out of the HTML so no inline script is needed).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
