// Draw every chart of the page: <div data-chart="ID"> takes its figure from the JSON data block with that
// id (written by the server with json_script; data, not script, so the content security policy holds).
document.addEventListener("DOMContentLoaded", () => {
  if (typeof window.Plotly === "undefined") return;
  document.querySelectorAll("[data-chart]").forEach((box) => {
    const block = document.getElementById(box.dataset.chart);
    if (!block) return;
    const figure = JSON.parse(block.textContent);
    window.Plotly.newPlot(box, figure.data, figure.layout, { responsive: true, displaylogo: false });
  });
});
