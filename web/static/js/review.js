// The reviewer's keyboard path on /review/{id}; every action is also a plain form button.
// j / k: next / previous suggestion (its evidence is highlighted in the story);
// a / r: accept / reject the selected suggestion; c or Enter: confirm and go to the next story.
// Keys are ignored while typing in a field, or with Ctrl, Alt or Meta held.
(function () {
  "use strict";

  var items = [];
  var current = -1;

  function typing(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  function marksFor(id) {
    return document.querySelectorAll('mark[data-suggestions~="' + id + '"]');
  }

  function select(index) {
    if (!items.length) return;
    current = Math.max(0, Math.min(items.length - 1, index));
    document.querySelectorAll("mark.is-current").forEach(function (m) { m.classList.remove("is-current"); });
    items.forEach(function (item) { item.classList.remove("is-current"); });
    var item = items[current];
    item.classList.add("is-current");
    marksFor(item.dataset.suggestion).forEach(function (m) { m.classList.add("is-current"); });
    item.focus();
  }

  function press(key) {
    var scope = key === "c" ? document : items[current];
    var button = scope && scope.querySelector('button[data-key="' + key + '"]');
    if (button) button.click();
  }

  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey || typing(event.target)) return;
    var key = event.key;
    if (key === "Enter" && event.target.closest("button, a, summary")) return;
    if (key === "j") select(current + 1);
    else if (key === "k") select(current - 1);
    else if ((key === "a" || key === "r") && current >= 0) press(key);
    else if (key === "c" || key === "Enter") press("c");
    else return;
    event.preventDefault();
  }

  function start() {
    items = Array.prototype.slice.call(document.querySelectorAll("[data-review-suggestions] [data-suggestion]"));
    document.addEventListener("keydown", onKey);
    items.forEach(function (item, index) {
      item.addEventListener("focus", function () { if (current !== index) select(index); });
    });
    var wanted = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    var index = items.indexOf(wanted);
    if (index >= 0) select(index);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
