// Small enhancements; every page works without them.
// - focus the error summary, so screen reader and keyboard users land on the problems;
// - show a word count under long answers;
// - warn before leaving a story form with unsaved changes (a lost story is the worst outcome);
// - load slower sections (similar stories) into the page after it has shown.
(function () {
  "use strict";

  function focusErrorSummary() {
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) summary.focus();
  }

  function countWords(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }

  function addWordCounts() {
    document.querySelectorAll("textarea[data-word-count]").forEach(function (area) {
      var note = document.createElement("p");
      note.className = "word-count";
      note.id = area.id + "-count";
      area.insertAdjacentElement("afterend", note);
      function update() {
        var n = countWords(area.value);
        note.textContent = n === 1 ? "1 word" : n + " words";
      }
      area.addEventListener("input", update);
      update();
    });
  }

  function warnOnUnsavedChanges() {
    document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
      var changed = false;
      form.addEventListener("input", function () { changed = true; });
      form.addEventListener("submit", function () { changed = false; });
      window.addEventListener("beforeunload", function (event) {
        if (changed) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    });
  }

  function loadSections() {
    document.querySelectorAll("[data-load-section]").forEach(function (section) {
      fetch(section.getAttribute("data-load-section"), { credentials: "same-origin" })
        .then(function (answer) { return answer.ok ? answer.text() : null; })
        .then(function (html) { if (html) section.outerHTML = html; })
        .catch(function () { /* the link in the section still works */ });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    loadSections();
    focusErrorSummary();
    addWordCounts();
    warnOnUnsavedChanges();
  });
})();
