// Practice questions at the end of a lesson: check an answer without leaving the page (a static file: the
// CSP allows no inline script). Without JavaScript the form posts the ordinary way and the page comes back.
(function () {
  function bind(box) {
    var form = box.querySelector("form");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var problem = box.querySelector("[data-exercise-problem]");
      var button = form.querySelector("button[type=submit]");
      problem.textContent = "";
      button.disabled = true;
      fetch(form.action, {
        method: "POST", credentials: "same-origin", headers: {"Accept": "application/json"},
        body: new FormData(form)
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          button.disabled = false;
          if (response.ok && data.html) {
            var holder = document.createElement("ol");
            holder.innerHTML = data.html;
            var fresh = holder.firstElementChild;
            box.replaceWith(fresh);
            bind(fresh);
            score();
            var verdict = fresh.querySelector(".exercise-review");
            if (verdict) { verdict.setAttribute("tabindex", "-1"); verdict.focus(); }
          } else {
            problem.textContent = data.problem || "Nakijken lukte niet. Probeer het nog eens.";
          }
        });
      }).catch(function () {
        button.disabled = false;
        problem.textContent = "Nakijken lukte niet: geen verbinding. Probeer het straks nog eens.";
      });
    });
  }

  function score() {
    var all = document.querySelectorAll("[data-exercise]");
    var right = document.querySelectorAll("[data-exercise].right");
    var shown = document.querySelector("[data-exercise-score]");
    if (shown) shown.textContent = "Goed: " + right.length + " van " + all.length + ".";
  }

  document.querySelectorAll("[data-exercise]").forEach(bind);
})();
