// cadre: the few behaviours pages share. No inline scripts anywhere, so a strict content security
// policy holds; pages attach behaviour through data attributes.
document.addEventListener("DOMContentLoaded", () => {
  // The language menu submits itself.
  document.querySelectorAll("form.lang select").forEach((select) => {
    select.addEventListener("change", () => select.form.requestSubmit());
  });
  // <button data-confirm="..."> asks before submitting its form.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.confirm)) event.preventDefault();
    });
  });
  // <input type=checkbox data-check-all="name"> ticks every checkbox of that name (bulk decisions).
  document.querySelectorAll("[data-check-all]").forEach((box) => {
    box.addEventListener("change", () => {
      document.querySelectorAll(`input[type=checkbox][name="${box.dataset.checkAll}"]`).forEach((b) => { b.checked = box.checked; });
    });
  });
});
