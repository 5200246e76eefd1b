// Bulk selection: "select all", the selected count, and buttons that wait for a selection.
(function () {
  "use strict";
  var texts = document.currentScript.dataset;
  function sync() {
    var boxes = Array.prototype.slice.call(document.querySelectorAll('#inbox input[name="ids"]'));
    var n = boxes.filter(function (b) { return b.checked; }).length;
    var counter = document.querySelector("[data-selected-count]");
    if (counter) counter.textContent = n ? texts.some.replace("%(count)s", n) : texts.none;
    document.querySelectorAll("[data-needs-selection]").forEach(function (b) { b.disabled = n === 0; });
    var all = document.querySelector("#inbox [data-select-all]");
    if (all) { all.checked = n > 0 && n === boxes.length; all.indeterminate = n > 0 && n < boxes.length; }
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("#inbox [data-select-all]")) {
      document.querySelectorAll('#inbox input[name="ids"]').forEach(function (b) { b.checked = event.target.checked; });
    }
    if (event.target.closest("#inbox")) sync();
  });
  document.addEventListener("htmx:afterSettle", sync);
  sync();
})();
