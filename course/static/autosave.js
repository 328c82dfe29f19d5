// Save a reflection as the learner types (a static file: the CSP allows no inline script).
// Without JavaScript the form's own button sends it the ordinary way.
document.querySelectorAll("form[data-autosave]").forEach(function (form) {
  var box = form.querySelector("textarea");
  var status = form.querySelector("[role=status]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var last = box.value;
  // The privacy check: text that looks like a name, date of birth, BSN or phone number is not saved
  // until the learner edits it or chooses "Toch opslaan".
  var anyway = document.createElement("button");
  anyway.type = "button";
  anyway.className = "button button-secondary";
  anyway.textContent = "Toch opslaan";
  anyway.hidden = true;
  status.insertAdjacentElement("afterend", anyway);
  anyway.addEventListener("click", function () { save(true); });

  function save(confirmed) {
    var text = box.value;
    if (text === last && confirmed !== true) return;
    status.textContent = "Bezig met opslaan…";
    anyway.hidden = true;
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: JSON.stringify(confirmed === true ? {text: text, privacy: "toch"} : {text: text})
    }).then(function (response) {
      return response.json().catch(function () { return {ok: false}; }).then(function (data) {
        if (response.ok && data.ok) {
          last = text;
          status.textContent = "Opgeslagen.";
        } else {
          status.textContent = data.message || "Niet opgeslagen. Klik op ‘Reflectie opslaan’.";
          anyway.hidden = !data.privacy;
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
