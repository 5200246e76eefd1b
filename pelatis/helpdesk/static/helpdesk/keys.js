// Help desk keyboard: j/k move through the inbox, o or Enter opens the ticket, ? lists the shortcuts,
// Ctrl+Enter (Cmd+Enter) sends the reply or note being written. "/" (search) lives in app.js.
(function () {
  "use strict";
  var current = null;  // the selected ticket's id, kept across htmx swaps of the list

  function typing(target) {
    return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
  }
  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox tr[data-ticket]"));
  }
  function select(row, focus) {
    rows().forEach(function (r) { r.classList.remove("kb-current"); r.removeAttribute("aria-selected"); });
    row.classList.add("kb-current");
    row.setAttribute("aria-selected", "true");
    current = row.dataset.ticket;
    var link = row.querySelector("a.tk-subject");
    if (focus && link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }
  function move(step) {
    var list = rows();
    if (!list.length) return;
    var at = list.findIndex(function (r) { return r.classList.contains("kb-current"); });
    at = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step));
    select(list[at], true);
  }
  function open() {
    var row = document.querySelector("#inbox tr.kb-current");
    var link = row && row.querySelector("a.tk-subject");
    if (link) window.location.assign(link.href);
  }

  document.addEventListener("keydown", function (event) {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      var area = event.target.closest && event.target.closest("textarea");
      if (area && area.form) {
        event.preventDefault();
        area.form.requestSubmit();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var dialog = document.querySelector("[data-shortcuts]");
    if (dialog && dialog.open) return;
    if (event.key === "j" || event.key === "k") {
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
    } else if (event.key === "o" || (event.key === "Enter" && !(event.target.closest && event.target.closest("a, button")))) {
      if (document.querySelector("#inbox tr.kb-current")) {
        event.preventDefault();
        open();
      }
    } else if (event.key === "?") {
      if (dialog) {
        event.preventDefault();
        dialog.showModal();
      }
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-shortcuts-open]");
    var dialog = document.querySelector("[data-shortcuts]");
    if (button && dialog) dialog.showModal();
  });
  // The list was swapped (a filter, a page): keep the same ticket selected when it is still shown.
  document.addEventListener("htmx:afterSettle", function () {
    if (current === null) return;
    var row = document.querySelector('#inbox tr[data-ticket="' + current + '"]');
    if (row) select(row, false);
  });
})();
