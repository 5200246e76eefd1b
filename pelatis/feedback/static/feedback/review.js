// Copy an answer to paste on the platform (tone suggestions: app.js).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.dataset.copy);
      var text = source ? (source.value !== undefined ? source.value : source.textContent) : "";
      if (navigator.clipboard && text) {
        navigator.clipboard.writeText(text).then(function () { copy.textContent = copy.dataset.copied; });
      }
    }
  });
})();
