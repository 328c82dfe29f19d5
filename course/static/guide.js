// "Wat doe ik nu?": filter the cards while you type. The same rule as course/guide.py: a card is shown when
// every word you type occurs in its title, keywords or text; case, accents and punctuation do not matter.
// Without this script the search button asks the server, which answers with the same cards.
(function () {
  var form = document.querySelector("[data-guide-search]");
  if (!form) return;
  var input = form.querySelector("input[type=search]");
  var items = Array.prototype.slice.call(document.querySelectorAll("#guide-list [data-search]"));
  var count = document.getElementById("guide-count");
  var empty = document.querySelector("[data-guide-empty]");
  var timer = null;

  function normalise(text) {
    return text.normalize("NFKD").toLowerCase().replace(/\p{M}/gu, "").replace(/[^a-z0-9]+/g, " ").trim();
  }

  function countText(shown, query) {
    if (!query) return items.length + " kaarten";
    var found = shown === 0 ? "Geen kaart" : shown + (shown === 1 ? " kaart" : " kaarten");
    return found + ' gevonden voor "' + query + '"';
  }

  function filter() {
    var query = input.value.trim();
    var words = normalise(query).split(" ").filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var text = item.getAttribute("data-search");
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) shown += 1;
    });
    empty.hidden = shown > 0;
    // The count is read aloud: wait until the typing pauses, so it is said once, not after every letter.
    clearTimeout(timer);
    timer = setTimeout(function () { count.textContent = countText(shown, query); }, 400);
    var url = query ? "?q=" + encodeURIComponent(query) : window.location.pathname;
    window.history.replaceState(null, "", url);
  }

  input.addEventListener("input", filter);
})();
