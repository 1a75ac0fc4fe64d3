// A code or table block that scrolls sideways says so: visibly (a hint above it) and to assistive
// technology (a region, keyboard focusable, named "Table 3, scrolls sideways": numbered in the page,
// so that no two regions share a name). Re-checked on resize.
(function () {
  const SELECTOR = "div.highlight pre, .pst-scrollable-table-container, div.math";
  function mark() {
    const seen = {};
    document.querySelectorAll(SELECTOR).forEach(function (el) {
      const scrolls = el.scrollWidth > el.clientWidth + 1;
      const kind = el.matches("pre") ? "Code" : el.matches("div.math") ? "Formula" : "Table";
      seen[kind] = (seen[kind] || 0) + 1;
      const name = kind + " " + seen[kind] + ", scrolls sideways";
      const hint = el.previousElementSibling && el.previousElementSibling.classList.contains("scroll-hint")
        ? el.previousElementSibling : null;
      if (scrolls) {
        el.classList.add("scroll-block");
        el.setAttribute("tabindex", "0");
        el.setAttribute("role", "region");
        el.setAttribute("aria-label", name);
        el.setAttribute("title", name);
        if (!hint && !el.matches("pre")) {
          const p = document.createElement("p");
          p.className = "scroll-hint";
          p.textContent = kind + " wider than the page: scroll sideways →";
          el.parentNode.insertBefore(p, el);
        }
      } else if (el.classList.contains("scroll-block")) {
        el.classList.remove("scroll-block");
        el.removeAttribute("role"); el.removeAttribute("aria-label"); el.removeAttribute("title");
        if (hint) hint.remove();
      }
    });
  }
  window.addEventListener("load", function () { mark(); if (window.MathJax && MathJax.startup) MathJax.startup.promise.then(mark); });
  window.addEventListener("resize", mark);
})();
// The bibliography (docutils): entries carry the deprecated role doc-biblioentry inside a
// role="list" container, which axe reports as critical (aria-required-children): make them list items.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll('.citation-list > [role="doc-biblioentry"]').forEach(function (e) {
    e.setAttribute("role", "listitem");
  });
});
// The book's title link at the top of the sidebar lies outside every landmark (axe: region): it is
// the way home, so it is navigation, named for what it is.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".sidebar-primary-item").forEach(function (item) {
    if (item.querySelector(".navbar-brand") && !item.closest("nav, [role=navigation]")) {
      item.setAttribute("role", "navigation");
      item.setAttribute("aria-label", "Book home");
    }
  });
});
