// What-if inputs ({what-if} ID): the reader sets the sizes, the page recomputes the answer's counts
// from the formulas the package exported (window.SOLUTIONS_WHAT_IF, written by
// solutions.book.what_if from its sympy expressions), parsed by mathjs in exact fractions. Nothing
// the reader types is parsed: an input is a whole number in its range, or a choice. Where an input
// selects the formulas (1(c)'s side, Q3's optimizer), its value picks the set.
(function () {
  "use strict";
  var DATA = window.SOLUTIONS_WHAT_IF || {};
  var M = null;
  function mathjs() {
    if (!M) M = math.create({number: "Fraction"});
    return M;
  }
  var compiled = {};
  function formula(text) {
    if (!compiled[text]) compiled[text] = mathjs().parse(text).compile();
    return compiled[text];
  }

  function fmt(v) {
    if (Number(v.d) === 1) return (v.s < 0 ? "-" : "") + BigInt(v.n).toLocaleString("en-US");
    return v.toFraction();
  }

  // The outputs at `values` ({name: number or choice}): {key: "10 × 10 × 16"}.
  function evaluate(spec, values) {
    var set = spec.formulas[spec.select ? String(values[spec.select]) : ""];
    var scope = {};
    spec.inputs.forEach(function (i) {
      if (!i.choices.length) scope[i.name] = mathjs().fraction(values[i.name]);
    });
    var out = {};
    spec.outputs.forEach(function (o) {
      out[o.key] = set[o.key].map(function (f) { return fmt(formula(f).evaluate(Object.assign({}, scope))); }).join(" × ");
    });
    return out;
  }

  // The reader's values, or the first input that is out of range.
  function read(box, spec) {
    var values = {}, problem = null;
    spec.inputs.forEach(function (i) {
      var field = box.querySelector('[name="' + i.name + '"]');
      if (i.choices.length) { values[i.name] = field.value; return; }
      var text = field.value.trim(), n = Number(text);
      var ok = /^\d+$/.test(text) && n >= i.min && n <= i.max;
      field.setAttribute("aria-invalid", ok ? "false" : "true");
      if (!ok && !problem) problem = i.label + " must be a whole number from " + i.min + " to " + i.max + ".";
      values[i.name] = n;
    });
    return {values: values, problem: problem};
  }

  function defaults(spec) {
    var values = {};
    spec.inputs.forEach(function (i) { values[i.name] = i.default; });
    return values;
  }

  function attach(box) {
    var spec = DATA[box.getAttribute("data-what-if")];
    if (!spec) return;
    var note = box.querySelector(".what-if-note");
    function cells(at) { return box.querySelectorAll('td[data-at="' + at + '"]'); }
    function show(at, result) {
      Array.prototype.forEach.call(cells(at), function (td) {
        td.textContent = result ? result[td.getAttribute("data-key")] : "—";
      });
    }
    function update() {
      var r = read(box, spec);
      note.textContent = r.problem || "";
      show("yours", r.problem ? null : evaluate(spec, r.values));
    }
    function reset() {
      var d = defaults(spec);
      spec.inputs.forEach(function (i) { box.querySelector('[name="' + i.name + '"]').value = String(d[i.name]); });
      update();
    }
    show("homework", evaluate(spec, defaults(spec)));
    box.addEventListener("input", update);
    box.addEventListener("change", update);
    box.querySelector(".what-if-reset").addEventListener("click", reset);
    box.hidden = false;
    update();
  }

  window.SolutionsWhatIf = {evaluate: function (id, values) { return evaluate(DATA[id], values); }};
  function start() { Array.prototype.forEach.call(document.querySelectorAll(".what-if"), attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
