// Pelatis: the few behaviours htmx does not cover. No dependencies.
(function () {
  "use strict";
  // "/" focuses the customer search, as in most web apps.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest && event.target.closest("input, textarea, select, [contenteditable]")) return;
    var search = document.querySelector("[data-search]");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
  });
  // A tone suggestion replaces the words it is about in the textarea its box checks (data-tone-for).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tone-apply]");
    var box = button && button.closest("[data-tone-for]");
    var area = box && document.getElementById(box.dataset.toneFor);
    if (!area) return;
    var d = button.dataset, start = Number(d.start), end = Number(d.end), value = area.value;
    if (value.slice(start, end) !== d.matched) {  // typed on since the check: find the words again
      start = value.indexOf(d.matched);
      if (start < 0) return;
      end = start + d.matched.length;
    }
    area.focus();
    area.setRangeText(d.replacement, start, end, "end");
    var hint = button.closest(".tone-hint");
    if (hint) hint.classList.add("applied");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));  // re-check the new wording
  });
  // The user menu is a <details>: close it when the click lands elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.user-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  // Live search and filters: leave empty fields out of the pushed URL (?q=x, not ?q=x&tag=&type=).
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.verb !== "get") return;
    var params = event.detail.parameters;
    Array.from(params.keys()).forEach(function (name) {
      if (params.getAll(name).every(function (value) { return value === ""; })) params.delete(name);
    });
  });
  // A submit button says it is working and cannot be pressed twice (imports can take a while).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("hx-post") || form.hasAttribute("hx-get")) return;
    var button = form.querySelector("button[data-busy]");
    if (button) {
      window.setTimeout(function () { button.disabled = true; button.textContent = button.dataset.busy; }, 0);
    }
  });
})();
