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
  // The server sends the exact span (data-start/end, UTF-16 like the textarea) and the text to put there,
  // already fitted to the sentence, so this is a plain splice: the same text as tone_apply.apply_suggestion.
  // Typed on since the check? The words are looked for again, nearest to where they were.
  function toneSplice(value, start, end, matched, replacement) {
    if (value.slice(start, end) !== matched) {
      var best = -1, at = value.indexOf(matched);
      while (at >= 0) {
        if (best < 0 || Math.abs(at - start) < Math.abs(best - start)) best = at;
        at = value.indexOf(matched, at + 1);
      }
      if (best < 0) return null;
      start = best;
      end = best + matched.length;
    }
    return { start: start, end: end, text: value.slice(0, start) + replacement + value.slice(end) };
  }
  window.Pelatis = window.Pelatis || {};
  window.Pelatis.toneSplice = toneSplice;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-tone-apply]");
    var box = button && button.closest("[data-tone-for]");
    var area = box && document.getElementById(box.dataset.toneFor);
    if (!area) return;
    var d = button.dataset;
    var edit = toneSplice(area.value, Number(d.start), Number(d.end), d.matched, d.replacement);
    if (!edit) return;
    area.focus();
    area.setRangeText(d.replacement, edit.start, edit.end, "end");
    // The other suggestions were worked out for the old text: they wait for the re-check.
    box.querySelectorAll("[data-tone-apply]").forEach(function (other) { other.disabled = true; });
    var hint = button.closest(".tone-hint");
    if (hint) hint.classList.add("applied");
    area.dispatchEvent(new Event("input", { bubbles: true }));
    area.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }));  // re-check the new wording
  });
  // ---- Staff navigation on phones: below 768 px the menu button shows and hides the navigation.
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("[data-nav-toggle]");
    if (!toggle) return;
    var sidebar = toggle.closest(".sidebar");
    var open = sidebar.classList.toggle("nav-open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // ---- end of the navigation section
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
  // Tags keep their own colour (any colour the business picks): the page gives it as data-tag-colour and
  // it is set here through the CSSOM, because the Content-Security-Policy allows no style="" attribute.
  function paintTags(root) {
    var found = Array.from(root.querySelectorAll ? root.querySelectorAll("[data-tag-colour]") : []);
    if (root.matches && root.matches("[data-tag-colour]")) found.push(root);
    found.forEach(function (el) { el.style.setProperty("--tag", el.dataset.tagColour); });
  }
  paintTags(document);
  document.addEventListener("htmx:load", function (event) { paintTags(event.target); });
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
