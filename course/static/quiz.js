// The quiz page: every answer is saved as soon as it changes, and on a phone one question per screen with one
// main button: "Volgende vraag", and on the last question "Inleveren".
// Without JavaScript the page still works: "Inleveren", and "Stoppen, later verder", which saves and leaves.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var status = form.querySelector(".save-status");
  var word = status.querySelector(".save-word");
  var count = status.querySelector(".save-count");
  var submit = form.querySelector("[data-submit]");
  var token = form.querySelector("input[name='csrf_token']").value;
  var timer = null, sent = 0, shown = 0, dirty = false;

  function show(text, answered, total) {
    word.textContent = text ? text + " · " : "";
    if (answered !== undefined) {
      count.textContent = answered + " van " + total + " beantwoord";
    }
  }

  function body() {
    var data = new FormData(form);
    data.delete("actie");
    return data;
  }

  function saveNow() {
    timer = null;
    var number = ++sent;
    show("Opslaan…");
    fetch(form.dataset.autosave, {method: "POST", body: body(), credentials: "same-origin",
                                  headers: {"X-CSRFToken": token, "Accept": "application/json"}})
      .then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      })
      .then(function (result) {
        if (number < shown) return;  // an older answer arrived after a newer one
        shown = number;
        if (result.ok) {
          if (number === sent) dirty = false;
          show("Opgeslagen", result.data.answered, result.data.total);
        } else {
          show("Niet opgeslagen: " + (result.data.problem || "probeer het nog eens"));
        }
      })
      .catch(function () {
        if (number >= shown) show("Niet opgeslagen (geen verbinding). Probeer het straks opnieuw of kies ‘Stoppen, later verder’");
      });
  }

  form.addEventListener("change", function () {
    dirty = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(saveNow, 250);
  });
  // Leaving the page with an answer not yet sent: send it on the way out.
  window.addEventListener("pagehide", function () {
    if (dirty && navigator.sendBeacon) {
      if (timer) clearTimeout(timer);
      navigator.sendBeacon(form.dataset.autosave, body());
    }
  });

  // One question per screen on a phone, with previous/next; all questions on a larger screen.
  var list = form.querySelector("ol.questions");
  var items = Array.prototype.slice.call(list.querySelectorAll("li.question"));
  if (items.length < 2 || !window.matchMedia) return;
  var small = window.matchMedia("(max-width: 40rem)");
  var current = 0;
  var pager = document.createElement("nav");
  pager.className = "question-pager";
  pager.setAttribute("aria-label", "Vragen");
  var previous = document.createElement("button");
  previous.type = "button";
  previous.className = "button button-secondary";
  previous.textContent = "← Vorige vraag";
  var next = document.createElement("button");
  next.type = "button";
  next.className = "button";
  next.textContent = "Volgende vraag →";
  pager.appendChild(previous);
  pager.appendChild(next);
  list.after(pager);

  function layout(focus) {
    var one = small.matches;
    pager.hidden = !one;
    items.forEach(function (item, i) { item.hidden = one && i !== current; });
    previous.hidden = current === 0;
    next.hidden = current === items.length - 1;
    // One main button per screen: "Inleveren" only under the last question.
    submit.hidden = one && current !== items.length - 1;
    if (one && focus) {
      items[current].setAttribute("tabindex", "-1");
      items[current].focus();
      items[current].scrollIntoView({block: "start"});
    }
  }
  function go(index, focus) {
    current = Math.max(0, Math.min(items.length - 1, index));
    layout(focus);
  }
  function fromHash() {
    var i = items.findIndex(function (item) { return "#" + item.id === location.hash; });
    if (i >= 0) go(i, true);
  }
  previous.addEventListener("click", function () { go(current - 1, true); });
  next.addEventListener("click", function () { go(current + 1, true); });
  window.addEventListener("hashchange", fromHash);
  if (small.addEventListener) small.addEventListener("change", function () { layout(false); });
  // Start at the first unanswered question named in the notice, or (a resumed attempt) at the first
  // unanswered one, or at the first question.
  var missing = form.querySelector("#bevestigen a[href^='#vraag-']");
  var start = missing ? missing.getAttribute("href").slice(1) : form.dataset.firstOpen;
  var at = items.findIndex(function (item) { return item.id === start; });
  if (location.hash) fromHash(); else if (at >= 0) go(at, false); else layout(false);
}());
