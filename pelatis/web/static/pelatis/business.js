// Business details: the colour picker and the colour's text field (#rrggbb) follow each other.
(function () {
  "use strict";
  var picker = document.querySelector("[data-colour-picker]");
  var text = picker && document.getElementById(picker.dataset.colourText);
  if (!picker || !text) return;
  picker.addEventListener("input", function () { text.value = picker.value; });
  text.addEventListener("input", function () {
    if (/^#[0-9a-fA-F]{6}$/.test(text.value.trim())) picker.value = text.value.trim().toLowerCase();
  });
})();
