// Placement pages: a print button, and a reload once a job that the page follows has finished, so
// that the plan or the assignment it produced appears without the user having to reload.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  document.body.addEventListener("jobFinished", () => window.location.reload());
});
