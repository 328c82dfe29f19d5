// "Toon wachtwoord": a checkbox under each password field marked data-reveal shows what was typed, so one
// field is enough (no second "repeat" field). A native checkbox: Tab to it, Space switches it.
// Without JavaScript there is no checkbox and the field simply stays a password field.
document.querySelectorAll("input[type=password][data-reveal]").forEach(function (input) {
  var row = document.createElement("div");
  row.className = "field checkbox reveal";
  var box = document.createElement("input");
  box.type = "checkbox";
  box.id = input.id + "-toon";
  box.setAttribute("aria-controls", input.id);
  var label = document.createElement("label");
  label.htmlFor = box.id;
  label.textContent = "Toon wachtwoord";
  row.appendChild(box);
  row.appendChild(label);
  input.closest(".field").after(row);
  box.addEventListener("change", function () { input.type = box.checked ? "text" : "password"; });
  // Sent as a password field, so a password manager offers to save it.
  if (input.form) input.form.addEventListener("submit", function () { input.type = "password"; });
});
