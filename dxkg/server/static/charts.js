// Charts of the browse pages: the data comes from the canvas's data-chart attribute (JSON
// written by the server, autoescaped); Chart.js is the npm package, served by this app.
"use strict";
(function () {
  const canvas = document.getElementById("chart");
  if (!canvas || !window.Chart) return;
  const spec = JSON.parse(canvas.dataset.chart);
  const palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7"];
  window.dxkgChart = new Chart(canvas, {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.datasets.map((d, i) => Object.assign({ backgroundColor: palette[i % palette.length] }, d)),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { title: { display: true, text: spec.title } },
      scales: { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } },
    },
  });
  document.body.dataset.chart = "ready";
})();
