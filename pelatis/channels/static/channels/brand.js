// The public pages in the business's own colour: <html data-brand-*> carries it (checked as #rrggbb when
// saved) and it becomes the pages' custom properties here, through the CSSOM, as the Content-Security-Policy
// allows no inline style. Loaded in <head> without defer, so the first paint already has the colour.
(function () {
  "use strict";
  var root = document.documentElement, d = root.dataset;
  var colours = {
    "--primary": d.brandPrimary, "--primary-600": d.brandPrimary600,
    "--primary-50": d.brandPrimary50, "--on-primary": d.brandOnPrimary,
  };
  Object.keys(colours).forEach(function (name) {
    if (colours[name]) root.style.setProperty(name, colours[name]);
  });
})();
