// The reply box: put the caret after an inserted canned reply (tone suggestions: app.js).
(function () {
  "use strict";
  document.addEventListener("htmx:afterSettle", function () {
    var area = document.querySelector("#reply_body[data-focus]");
    if (!area) return;
    area.removeAttribute("data-focus");
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    area.scrollTop = area.scrollHeight;
  });
})();
