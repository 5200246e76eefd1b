// The public pages in the business's own colour: <meta name="pelatis-brand"> carries the custom properties
// ("--primary: #1a7f5a; ...", each checked as #rrggbb when saved) and they are set on <html> here, through the
// CSSOM, as the Content-Security-Policy allows no inline style. Loaded in <head> without defer, right after
// the meta, so the first paint already has the colour.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="pelatis-brand"]');
  if (!meta) return;
  meta.content.split(";").forEach(function (declaration) {
    var parts = declaration.split(":");
    var name = (parts[0] || "").trim(), value = (parts[1] || "").trim();
    if (/^--[a-z0-9-]+$/.test(name) && /^#[0-9a-fA-F]{6}$/.test(value)) {
      document.documentElement.style.setProperty(name, value);
    }
  });
})();
