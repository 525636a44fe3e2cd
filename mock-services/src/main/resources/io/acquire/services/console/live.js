// Progressive enhancement for the Acquire console: redraws a running job's energy chart
// from its records every second. Every page works without this script.
(function () {
  "use strict";
  var chart = document.getElementById("energy-chart");
  if (!chart || typeof fetch !== "function") {
    return;
  }
  var FINAL = ["completed", "failed", "cancelled", "timed_out"];

  function draw(series) {
    var t0 = Infinity, t1 = -Infinity, v0 = Infinity, v1 = -Infinity, points = 0;
    Object.keys(series).forEach(function (column) {
      var s = series[column];
      points = Math.max(points, s.values.length);
      for (var i = 0; i < s.values.length; i++) {
        t0 = Math.min(t0, s.times[i]); t1 = Math.max(t1, s.times[i]);
        v0 = Math.min(v0, s.values[i]); v1 = Math.max(v1, s.values[i]);
      }
    });
    if (!(t1 > t0)) { t1 = t0 + 1; }
    if (!(v1 > v0)) { v1 = v0 + 1; }
    chart.querySelectorAll("polyline").forEach(function (line) {
      var s = series[line.getAttribute("data-column")];
      if (!s) { return; }
      var out = [];
      for (var i = 0; i < s.values.length; i++) {
        var x = 60 + 530 * (s.times[i] - t0) / (t1 - t0);
        var y = 290 - 280 * (s.values[i] - v0) / (v1 - v0);
        out.push(x.toFixed(1) + "," + y.toFixed(1));
      }
      line.setAttribute("points", out.join(" "));
    });
    chart.setAttribute("data-points", String(points));
    if (points > 0) {
      label("chart-vmax", number(v1));
      label("chart-vmin", number(v0));
      label("chart-tmin", number(t0) + " ps");
      label("chart-tmax", number(t1) + " ps");
    }
  }

  function number(value) {
    return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
  }

  function label(id, text) {
    var element = document.getElementById(id);
    if (element) { element.textContent = text; }
  }

  function poll() {
    fetch(chart.getAttribute("data-records"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (body) {
        draw(body.series);
        chart.setAttribute("data-status", body.status);
        var status = document.getElementById("status");
        if (status) { status.textContent = body.status; }
        if (body.cost) {
          var cost = document.getElementById("cost");
          var price = document.getElementById("price");
          if (cost && price) { cost.textContent = body.cost + " of the " + price.textContent + " quoted"; }
        }
        if (FINAL.indexOf(body.status) < 0) { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }

  if (FINAL.indexOf(chart.getAttribute("data-status")) < 0) {
    setTimeout(poll, 1000);
  }
})();
