// Progressive enhancement only: every page works without this file.
document.documentElement.classList.add("js");
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
document.querySelectorAll("[data-confirm]").forEach(function (el) {
  el.addEventListener("submit", function (event) {
    if (!window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
  });
});
// A form sent back with errors: the summary at the top takes the focus, so it is read out first.
var summary = document.getElementById("error-summary");
if (summary) { summary.focus(); }
// A table wider than the screen scrolls inside its own box; keyboard users must be able to reach and scroll it.
document.querySelectorAll(".table-scroll").forEach(function (box) {
  if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
    box.setAttribute("tabindex", "0");
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", "表格（可左右滑动查看）");
  }
});
