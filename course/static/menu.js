// The phone menu: below about 600 px the header's links fold away behind "Menu". Without JavaScript a
// checkbox opens them; here it becomes a real button that says whether the menu is open (aria-expanded).
(function () {
  "use strict";
  var header = document.querySelector(".site-header");
  if (!header) return;
  var button = header.querySelector(".menu-button");
  var check = header.querySelector(".menu-check");
  var label = header.querySelector(".menu-label");
  if (!button || !check) return;
  check.remove();
  label.remove();
  button.hidden = false;
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-is-open", open);
  }
  button.addEventListener("click", function () { set(button.getAttribute("aria-expanded") !== "true"); });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
}());
