// The review queue: say how many files are ticked for the bulk decision. No inline scripts (strict CSP).
(() => {
  const update = () => {
    document.querySelectorAll("[data-selected-count]").forEach((label) => {
      const name = label.dataset.selectedCount;
      const ticked = document.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`).length;
      if (!label.dataset.idle) label.dataset.idle = label.textContent;
      label.textContent = ticked ? `${ticked} ✓ — ${label.dataset.idle}` : label.dataset.idle;
    });
  };
  document.addEventListener("change", update);
  // Re-attach "tick all" after htmx replaces the table (cadre.js binds it once on load).
  document.addEventListener("htmx:afterSwap", () => {
    document.querySelectorAll("[data-check-all]").forEach((box) => {
      if (box.dataset.bound) return;
      box.dataset.bound = "1";
      box.addEventListener("change", () => {
        document.querySelectorAll(`input[type=checkbox][name="${box.dataset.checkAll}"]`).forEach((b) => { b.checked = box.checked; });
        update();
      });
    });
    update();
  });
})();
