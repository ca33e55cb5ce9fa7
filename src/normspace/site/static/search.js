// Client-side search of the NormSpace site: the index is a script
// (assets/search-index.js sets window.NORMSPACE_SEARCH to [label, kind, path, extra] rows),
// because pages opened from file:// cannot fetch JSON. Every word typed must occur in the
// label or the extra words (case and accents ignored); label matches come first.
(function () {
  "use strict";
  var LIMIT = 25;

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function setup() {
    var input = document.getElementById("q");
    var list = document.getElementById("search-results");
    var count = document.getElementById("search-count");
    var form = input && input.form;
    var rows = window.NORMSPACE_SEARCH;
    if (!input || !list || !count || !rows) {
      return;
    }
    var root = document.body.getAttribute("data-root") || "";
    var entries = rows.map(function (row) {
      return { label: row[0], kind: row[1], path: row[2],
               key: fold(row[0]), all: fold(row[0] + " " + row[3]) };
    });

    function rank(entry, words, phrase) {
      if (entry.key.indexOf(phrase) === 0) { return 0; }
      if (entry.key.indexOf(phrase) >= 0) { return 1; }
      if (words.every(function (w) { return entry.key.indexOf(w) >= 0; })) { return 2; }
      return 3;
    }

    function search() {
      var phrase = fold(input.value.trim());
      list.textContent = "";
      if (!phrase) {
        count.textContent = "";
        return;
      }
      var words = phrase.split(/\s+/);
      var found = entries.filter(function (entry) {
        return words.every(function (w) { return entry.all.indexOf(w) >= 0; });
      });
      found.sort(function (a, b) {
        return rank(a, words, phrase) - rank(b, words, phrase) ||
          (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
      });
      found.slice(0, LIMIT).forEach(function (entry) {
        var item = document.createElement("li");
        var anchor = document.createElement("a");
        anchor.href = root + entry.path;
        anchor.textContent = entry.label;
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = entry.kind;
        item.appendChild(anchor);
        item.appendChild(kind);
        list.appendChild(item);
      });
      var shown = found.length > LIMIT ? " (first " + LIMIT + " shown)" : "";
      count.textContent = found.length === 1 ? "1 result" :
        found.length + " results" + shown;
    }

    function move(step) {
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      var at = links.indexOf(document.activeElement);
      var next = at + step;
      if (next < 0) { input.focus(); return; }
      if (next < links.length) { links[next].focus(); }
    }

    input.addEventListener("input", search);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = list.querySelector("a");
      if (first) { window.location.href = first.href; }
    });
    form.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); move(1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); move(-1); }
      else if (event.key === "Escape") { input.value = ""; search(); input.focus(); }
    });
    if (input.value) { search(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
