// Draws every chart on the page from the figure JSON the server rendered beside it.
// No inline script: each <div data-chart="id"> names the <script type="application/json"> holding its figure.
(function () {
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      var config = { displaylogo: false, responsive: true, locale: "ja",
                     modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"] };
      Plotly.newPlot(el, figure.data, figure.layout, config);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
