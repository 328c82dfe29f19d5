// The lesson page: tables that stack on a phone, glossary terms in place, and the place where the learner
// stopped reading. (The "In deze les" list is in the page's HTML: templates/learn/lesson.html.)
// The page's HTML is shared between learners (course/web/shared_pages.py), so what is personal lives here,
// in this browser's own storage, and never in the HTML.
(function () {
  "use strict";
  var article = document.querySelector("article.lesson");
  if (!article) return;
  var headings = Array.prototype.slice.call(article.querySelectorAll("h2")).filter(function (h) {
    return h.id !== "doelen" && h.id !== "in-deze-les";  // the "In deze les" list comes from the server
  });
  // Lesson tables: on a phone each row becomes a block of label/value lines (see .stack-table in style.css).
  Array.prototype.forEach.call(article.querySelectorAll("table"), function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (!heads.length) return;
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        cell.setAttribute("data-label", heads[i] || "");
      });
    });
    table.classList.add("stack-table");
  });

  // A glossary term opens its definition in place instead of leaving the lesson (the link still works
  // without JavaScript, or with Ctrl/Cmd-click in a new tab).
  var glossary = null;
  article.addEventListener("click", function (event) {
    var link = event.target.closest("a[href*='/begrippen#']");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    var open = link.nextElementSibling;
    if (open && open.classList.contains("term-def")) {
      open.remove();
      link.setAttribute("aria-expanded", "false");
      return;
    }
    glossary = glossary || fetch(link.pathname, {credentials: "same-origin"}).then(function (r) { return r.text(); })
      .then(function (html) { return new DOMParser().parseFromString(html, "text/html"); });
    glossary.then(function (doc) {
      var term = doc.getElementById(decodeURIComponent(link.hash.slice(1)));
      var definition = term && term.nextElementSibling;
      if (!definition) { location.href = link.href; return; }
      var box = document.createElement("span");
      box.className = "term-def";
      box.id = "uitleg-" + term.id;
      box.setAttribute("role", "note");
      var name = document.createElement("strong");
      name.textContent = term.textContent + ": ";
      box.appendChild(name);
      box.appendChild(document.createTextNode(definition.textContent.trim() + " "));
      var more = document.createElement("a");
      more.href = link.href;
      more.textContent = "Alle begrippen";
      box.appendChild(more);
      link.after(box);
      link.setAttribute("aria-expanded", "true");
      link.setAttribute("aria-controls", box.id);
    }).catch(function () { location.href = link.href; });
  });

  // Remember the last section heading scrolled past; offer to go back there next time.
  var key = "gelezen:" + location.pathname;
  var store;
  try { store = window.localStorage; store.getItem(key); } catch (e) { return; }
  var saved = store.getItem(key);
  if (saved && !location.hash && document.getElementById(saved)) {
    var target = document.getElementById(saved);
    var resume = document.createElement("p");
    resume.className = "resume-reading";
    var link = document.createElement("a");
    link.href = "#" + saved;
    link.textContent = "Verder lezen waar je gebleven was: " + target.textContent;
    resume.appendChild(link);
    article.querySelector(".position").after(resume);
  }
  var timer = null;
  window.addEventListener("scroll", function () {
    if (timer) return;
    timer = setTimeout(function () {
      timer = null;
      var last = null;
      headings.forEach(function (h) { if (h.getBoundingClientRect().top < 120) last = h; });
      if (last) store.setItem(key, last.id); else store.removeItem(key);
    }, 400);
  }, {passive: true});
}());
