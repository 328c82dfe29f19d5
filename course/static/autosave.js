// Save a reflection as the learner types (a static file: the CSP allows no inline script).
// Without JavaScript the form's own button sends it the ordinary way.
document.querySelectorAll("form[data-autosave]").forEach(function (form) {
  var box = form.querySelector("textarea");
  var status = form.querySelector("[role=status]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var last = box.value;

  function save() {
    var text = box.value;
    if (text === last) return;
    status.textContent = "Bezig met opslaan…";
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify({text: text})
    }).then(function (response) {
      return response.json().catch(function () { return {ok: false}; }).then(function (data) {
        if (response.ok && data.ok) {
          last = text;
          status.textContent = "Opgeslagen.";
        } else {
          status.textContent = data.message || "Niet opgeslagen. Klik op ‘Reflectie opslaan’.";
        }
      });
    }).catch(function () {
      status.textContent = "Niet opgeslagen: geen verbinding. Je tekst staat er nog; probeer het straks opnieuw.";
    });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    status.textContent = "";
    timer = setTimeout(save, 800);
  });
  box.addEventListener("blur", function () { clearTimeout(timer); save(); });
});
