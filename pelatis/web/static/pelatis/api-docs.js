// Swagger UI for /api/v1/docs, from the npm package swagger-ui-dist: settings come from the page.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [window.SwaggerUIBundle.presets.apis];
  window.ui = window.SwaggerUIBundle(config);
})();
