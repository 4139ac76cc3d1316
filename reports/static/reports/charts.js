// Draws every chart on the page from the figure JSON the server rendered beside it.
// No inline script: each <div data-chart="id"> names the <script type="application/json"> holding its figure.
(function () {
  function charts() { return document.querySelectorAll("[data-chart]"); }

  function draw() {
    if (typeof Plotly === "undefined") { return; }
    charts().forEach(function (el) {
      var source = document.getElementById(el.dataset.chart);
      if (!source) { return; }
      var figure = JSON.parse(source.textContent);
      // showSendToCloud: no "Share chart" button sending the figure to plotly's cloud service.
      var config = { displaylogo: false, responsive: true, locale: "ja", showSendToCloud: false,
                     modeBarButtonsToRemove: ["sendDataToCloud", "lasso2d", "select2d"] };
      Plotly.newPlot(el, figure.data, figure.layout, config);
    });
  }

  // Charts are sized for the screen; fit them to the paper before printing and back afterwards.
  function fit() {
    if (typeof Plotly === "undefined") { return; }
    charts().forEach(function (el) { if (el.data) { Plotly.Plots.resize(el); } });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
  window.addEventListener("beforeprint", fit);
  window.addEventListener("afterprint", fit);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    if (print.addEventListener) { print.addEventListener("change", fit); }
  }
})();
