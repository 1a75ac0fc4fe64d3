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
  // MathJax 4 breaks a display formula for the width its block had when it was typeset: when the
  // width changes (a phone turned, a window narrowed) it measures again and breaks them anew. The
  // width the formulas were laid out for is left on <html data-math-width> (the browser test waits
  // for it). One layout at a time: a width that changes during one is laid out after it.
  // window.solutionsRelayoutMath() lays them out again at the same width (practice.js, once a folded
  // answer, typeset while it had no width, is shown).
  let laidOut = null, timer = null, busy = false, again = false;
  function relayout() {
    const width = document.documentElement.clientWidth;
    if (!(window.MathJax && MathJax.startup && MathJax.startup.document) || width === laidOut) { mark(); return; }
    if (busy) { again = true; return; }
    busy = true;
    delete document.documentElement.dataset.mathWidth;
    const metrics = MathJax._.core.MathItem.STATE.METRICS;
    MathJax.startup.document.rerenderPromise(metrics).then(function () {
      laidOut = width;
      document.documentElement.dataset.mathWidth = String(width);
      mark();
    }).finally(function () {
      busy = false;
      if (again) laidOut = null;   // asked for again while this one ran
      again = false;
      if (document.documentElement.clientWidth !== laidOut) relayout();
    });
  }
  window.solutionsRelayoutMath = function () {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return;
    MathJax.startup.promise.then(function () { laidOut = null; relayout(); });
  };
  window.addEventListener("load", function () {
    mark();
    if (window.MathJax && MathJax.startup) MathJax.startup.promise.then(function () {
      laidOut = document.documentElement.clientWidth;
      document.documentElement.dataset.mathWidth = String(laidOut);
      mark();
    });
  });
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(relayout, 100); });
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
// A figure is drawn wider than a phone's column (and most wider than the desktop's): a tap on it
// opens the image at full size, where its labels are readable. Each image in the page links to its
// file (the image's alt text names the link).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("main img").forEach(function (img) {
    if (img.closest("a") || !img.getAttribute("src")) return;
    const link = document.createElement("a");
    link.href = img.getAttribute("src");
    link.className = "image-full-size";
    link.title = "Open the figure at full size";
    img.parentNode.insertBefore(link, img);
    link.appendChild(img);
  });
});
