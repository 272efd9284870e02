// Import preview: when the import job that the page follows ends, reload the page to show its outcome.
document.body.addEventListener("jobFinished", () => { window.location.reload(); });
