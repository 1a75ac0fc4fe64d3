// Practice mode (solutions.book.practice puts the switch on every answer page and on the
// all-answers page). The setting is kept in the browser (localStorage), off by default. On: each
// Answer box (.answer-box) and each bottom line of the all-answers page (.practice-fold) is folded
// behind a "Show the answer" button (aria-expanded, aria-controls); the page's checker boxes
// (.answer-check) move up under the question (the exercise); the what-if inputs, which show the
// answer's numbers, wait until the answer is shown. Off: the page as it was built. A change is
// announced (aria-live). Printing shows everything.
(function () {
  "use strict";
  var KEY = "solutions-practice-mode";
  var folds = [];      // {button, region, box, wrapper}
  var moved = [];      // {box, mark}: checker boxes moved up, and where they came from
  var panel = null;
  var serial = 0;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (e) { return false; }
  }
  function store(on) {
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode: not kept */ }
  }

  // MathJax lays out a formula for the width of its block; one typeset while folded had none
  // (a11y.js lays them out again, one layout at a time).
  function relayoutMath() {
    if (window.solutionsRelayoutMath) window.solutionsRelayoutMath();
  }

  function whatIfs(show) {
    document.querySelectorAll(".what-if").forEach(function (w) { w.classList.toggle("practice-held", !show); });
  }

  function setOpen(fold, open) {
    fold.region.hidden = !open;
    fold.button.setAttribute("aria-expanded", open ? "true" : "false");
    fold.button.textContent = open ? "Hide the answer" : "Show the answer";
    if (fold.box) whatIfs(folds.some(function (f) { return f.box && !f.region.hidden; }));
    if (open) relayoutMath();
  }

  function button(region) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "practice-reveal";
    b.setAttribute("aria-controls", region.id);
    return b;
  }

  function foldBox(box) {      // an Answer box: its body into a region under its title
    var region = document.createElement("div");
    region.className = "practice-answer";
    region.id = "practice-answer-" + (++serial);
    Array.prototype.slice.call(box.children).forEach(function (child) {
      if (!child.classList.contains("admonition-title")) region.appendChild(child);
    });
    var b = button(region);
    box.appendChild(b);
    box.appendChild(region);
    return {button: b, region: region, box: box};
  }

  function foldLine(line) {    // a bottom line of the all-answers page: the paragraph itself
    if (!line.id) line.id = "practice-answer-" + (++serial);
    var b = button(line);
    line.parentNode.insertBefore(b, line);
    return {button: b, region: line, box: null};
  }

  function unfold(fold) {
    fold.button.remove();
    if (fold.box) {
      while (fold.region.firstChild) fold.box.appendChild(fold.region.firstChild);
      fold.region.remove();
    } else {
      fold.region.hidden = false;
      if (/^practice-answer-/.test(fold.region.id)) fold.region.removeAttribute("id");
    }
  }

  function question() {     // where the checker boxes go: after the exercise, else before the answer
    var exercise = document.querySelector("main .exercise, main .admonition.exercise");
    if (exercise) return {parent: exercise.parentNode, before: exercise.nextSibling};
    var box = document.querySelector("main .answer-box");
    return box ? {parent: box.parentNode, before: box} : null;
  }

  function moveChecks() {
    var boxes = document.querySelectorAll("main .answer-check");
    var at = question();
    if (!boxes.length || !at) return;
    panel = document.createElement("div");
    panel.className = "practice-checks";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-labelledby", "practice-checks-title");
    var title = document.createElement("p");
    title.id = "practice-checks-title";
    title.className = "practice-checks-title";
    title.innerHTML = "<strong>Your answer</strong>: type it in a box; each says whether it is right " +
      "or names the slip it makes. The book's answer stays folded until you show it.";
    panel.appendChild(title);
    at.parent.insertBefore(panel, at.before);
    boxes.forEach(function (box) {
      var mark = document.createComment("answer-check");
      box.parentNode.insertBefore(mark, box);
      panel.appendChild(box);
      moved.push({box: box, mark: mark});
    });
  }

  function restoreChecks() {
    moved.forEach(function (m) { m.mark.parentNode.insertBefore(m.box, m.mark); m.mark.remove(); });
    moved = [];
    if (panel) panel.remove();
    panel = null;
  }

  function apply(on, announce) {
    document.documentElement.classList.toggle("practice-on", on);
    document.querySelectorAll(".practice-toggle").forEach(function (t) { t.checked = on; });
    if (on && !folds.length) {
      document.querySelectorAll("main .answer-box").forEach(function (b) { folds.push(foldBox(b)); });
      document.querySelectorAll("main .practice-fold").forEach(function (p) { folds.push(foldLine(p)); });
      folds.forEach(function (f) { setOpen(f, false); });
      moveChecks();
      whatIfs(false);
    } else if (!on && folds.length) {
      folds.forEach(unfold);
      folds = [];
      restoreChecks();
      whatIfs(true);
      relayoutMath();
    }
    if (announce) {
      var n = document.querySelectorAll("main .answer-box, main .practice-fold").length;
      var text = on ? "Practice mode on: " + n + (n === 1 ? " answer" : " answers") + " folded." +
        (moved.length ? " The checker boxes are under the question." : "") : "Practice mode off: every answer is shown.";
      document.querySelectorAll(".practice-status").forEach(function (s) { s.textContent = text; });
    }
  }

  function start() {
    document.querySelectorAll(".practice-switch").forEach(function (s) {
      s.hidden = false;
      s.querySelector(".practice-toggle").addEventListener("change", function (e) {
        store(e.target.checked);
        apply(e.target.checked, true);
      });
    });
    document.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest(".practice-reveal");
      if (!b) return;
      var fold = folds.filter(function (f) { return f.button === b; })[0];
      if (fold) setOpen(fold, fold.region.hidden);
    });
    window.addEventListener("beforeprint", function () {
      folds.forEach(function (f) { f.region.dataset.printHidden = String(f.region.hidden); f.region.hidden = false; });
    });
    window.addEventListener("afterprint", function () {
      folds.forEach(function (f) { f.region.hidden = f.region.dataset.printHidden === "true"; delete f.region.dataset.printHidden; });
    });
    apply(stored(), false);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
