// The dashboard's charts (Chart.js): the data from the page's json_script, the labels from this script tag.
(function () {
  "use strict";
  var L = document.currentScript.dataset;
  var d = JSON.parse(document.getElementById("dashboard-data").textContent);
  var blue = "#4f6bed", green = "#1f9d6a", amber = "#d98e04", red = "#d64545";
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas && window.Chart) new window.Chart(canvas, config);
  }
  var pct = {min: 0, max: 100};
  draw("chart-feedback", {type: "line", data: {labels: d.feedback_trend.map(function (r) { return r.month_label || r.month; }), datasets: [
    {label: L.csat, data: d.feedback_trend.map(function (r) { return r.csat_pct; }), borderColor: blue, spanGaps: true},
    {label: L.nps, data: d.feedback_trend.map(function (r) { return r.nps; }), borderColor: green, spanGaps: true, yAxisID: "nps"}]},
    options: {animation: false, scales: {y: pct, nps: {position: "right", min: -100, max: 100}}}});
  draw("chart-clv", {type: "bar", data: {labels: d.value.distribution.map(function (r) { return r.to === null ? "≥ " + r.from : r.from + "–" + r.to; }),
    datasets: [{label: L.customers, data: d.value.distribution.map(function (r) { return r.customers; }), backgroundColor: blue}]},
    options: {animation: false, plugins: {legend: {display: false}}}});
  draw("chart-segments", {type: "bar", data: {labels: d.value.segments.map(function (r) { return r.label; }),
    datasets: [{label: L.customers, data: d.value.segments.map(function (r) { return r.customers; }), backgroundColor: green}]},
    options: {animation: false, indexAxis: "y", plugins: {legend: {display: false}}}});
  ["month", "team", "channel", "agent", "type"].forEach(function (by) {
    var rows = d["service_by_" + by];
    draw("chart-sla-" + by, {type: "bar", data: {labels: rows.map(function (r) { return r.group_label || r.group; }), datasets: [
      {label: L.sla, data: rows.map(function (r) { return r.sla_compliance_pct; }), backgroundColor: green},
      {label: L.fcr, data: rows.map(function (r) { return r.fcr_pct; }), backgroundColor: amber},
      {label: L.first, data: rows.map(function (r) { return r.first_response_minutes === null ? null : Math.round(r.first_response_minutes / 6) / 10; }), type: "line", borderColor: red, yAxisID: "hours"}]},
      options: {animation: false, scales: {y: pct, hours: {position: "right", beginAtZero: true}}}});
  });
  draw("chart-backlog", {type: "line", data: {labels: d.backlog_trend.map(function (r) { return r.day_label || r.day; }),
    datasets: [{label: L.open, data: d.backlog_trend.map(function (r) { return r.open; }), borderColor: amber, fill: false}]},
    options: {animation: false, plugins: {legend: {display: false}}, scales: {y: {beginAtZero: true}}}});
})();
