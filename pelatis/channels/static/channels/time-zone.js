// The visitor's time zone, so that a new customer abroad reads our answer times in their own clock: fills the
// hidden field this script tag names (data-field).
(function () {
  "use strict";
  var field = document.getElementById(document.currentScript.dataset.field);
  try { if (field && !field.value) field.value = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) {}
})();
