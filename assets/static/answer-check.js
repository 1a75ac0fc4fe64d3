// The answer checkers ({answer-check} ID): "correct", the slip a typed answer makes, or its value
// beside the book's, in the page, with no server. The data (window.SOLUTIONS_CHECKS) is exported by
// the package (solutions.answers.checker.page_data): every variant's exact values at the points the
// command line (`solutions check ID EXPR`) compares at, in the order it tries them; for an order
// (O(n)), each variant's n^a·log(n)^b. The reader's text is parsed by mathjs (vendored by
// `make book`) with exact fractions, and every node is checked against a whitelist (numbers, the
// check's symbols and functions, + − × ÷ ^ with a whole exponent from 0 to 12) before anything is
// evaluated; nothing typed is run as code. window.SolutionsAnswerCheck.judge(id, text) gives the
// verdict a box shows (the browser test compares it with the command line's).
(function () {
  "use strict";
  var DATA = window.SOLUTIONS_CHECKS || {};
  var SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  var OPS = {add: 1, subtract: 1, multiply: 1, divide: 1, pow: 1, unaryMinus: 1, unaryPlus: 1};
  var MAX_LENGTH = 300, MAX_EXPONENT = 12, MAX_DEGREE = 12;
  var SHAPE_NAMES = ["height", "width", "channels"];
  var M = null;
  function mathjs() {   // exact rational arithmetic, as sympy's
    if (!M) M = math.create({number: "Fraction"});
    return M;
  }

  function fail(text) { throw new Error(text); }

  // The command line's notation: × · ÷ −, ** and superscript powers, ⌊…⌋ ⌈…⌉, [ ], and a number
  // in groups of three digits separated by one space (150 208).
  function normalise(text) {
    return text.replace(/[×·⋅∗]/g, "*").replace(/[−–]/g, "-").replace(/÷/g, "/").replace(/\*\*/g, "^")
      .replace(/\[/g, "(").replace(/\]/g, ")")
      .replace(/⌊/g, "floor(").replace(/⌈/g, "ceil(").replace(/[⌋⌉]/g, ")")
      .replace(/(^|[^\d.])(\d{1,3}(?:([ \u00a0\u2009\u202f])\d{3})(?:\3\d{3})*)(?![\d.])/g, function (m, pre, num) {
        return pre + num.replace(/\D/g, "");
      })
      .replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, function (m) {
        return "^" + m.split("").map(function (c) { return SUP.indexOf(c); }).join("");
      });
  }

  function splitName(word, symbols) {          // NFNC -> NF*NC
    if (!word) return [];
    var names = symbols.slice().sort(function (a, b) { return b.length - a.length; });
    for (var i = 0; i < names.length; i++) {
      if (word.indexOf(names[i]) === 0) {
        var rest = splitName(word.slice(names[i].length), symbols);
        if (rest) return [names[i]].concat(rest);
      }
    }
    return null;
  }

  // "h-2, w-2, c1-1" → its items (commas inside brackets are not separators)
  function items(src) {
    var out = [], depth = 0, start = 0;
    for (var i = 0; i < src.length; i++) {
      if (src[i] === "(") depth++;
      else if (src[i] === ")") depth--;
      else if (src[i] === "," && depth === 0) { out.push(src.slice(start, i)); start = i + 1; }
    }
    out.push(src.slice(start));
    return out;
  }

  function allowedText(check) {
    return (check.symbols.join(", ") || "numbers only") +
      (check.functions.length ? "; functions: " + check.functions.join(", ") : "");
  }

  function degree(node) {     // an upper bound of the total degree once multiplied out
    if (node.type === "SymbolNode") return 1;
    if (node.type === "ConstantNode") return 0;
    if (node.type === "ParenthesisNode") return degree(node.content);
    if (node.type === "FunctionNode") return degree(node.args[0]);
    var a = node.args.map(degree);
    if (node.fn === "add" || node.fn === "subtract") return Math.max.apply(null, a);
    if (node.fn === "multiply" || node.fn === "divide") return a[0] + a[1];
    if (node.fn === "pow") return a[0] * exponent(node.args[1]);
    return a[0];   // unary
  }

  function exponent(node) {
    var symbolic = false;
    node.traverse(function (n, path) { if (n.type === "SymbolNode" && path !== "fn") symbolic = true; });
    if (symbolic) fail("exponent must be a whole number from 0 to " + MAX_EXPONENT);
    var e = node.compile().evaluate({});
    if (!mathjs().isFraction(e) || Number(e.d) !== 1 || e.s < 0 || Number(e.n) > MAX_EXPONENT) {
      fail("exponent must be a whole number from 0 to " + MAX_EXPONENT + ", got " + String(e));
    }
    return Number(e.n);
  }

  // The text with every product written out (2NF → 2 * NF, NFNC → (NF * NC), 2(NF+1) → 2 * (NF+1)),
  // read left to right as the command line reads it (mathjs gives some implicit products another
  // precedence); a number right after a factor (2 3, NF 2, (NF+1)2) is refused, never multiplied.
  function explicit(src, check, functions) {
    var re = /\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|\S/g, toks = [], m;
    while ((m = re.exec(src))) toks.push({text: m[0], column: m.index + 1});
    var out = [], prev = "";
    toks.forEach(function (tok, i) {
      var t = tok.text, next = toks[i + 1] ? toks[i + 1].text : "", kind, piece = t;
      if (/^[\d.]/.test(t)) {
        if (!/^\d+(\.\d+)?$/.test(t)) fail("syntax error at column " + tok.column + ": unexpected character '.'");
        if (prev === "value") fail("a number at column " + tok.column + " follows another factor without an operator: write * between them");
        kind = "value";
      } else if (/^[A-Za-z_]/.test(t)) {
        kind = "value";
        if (next === "(" && functions.indexOf(t) >= 0) {
          kind = "call";
        } else if (check.symbols.indexOf(t) < 0) {
          var parts = splitName(t, check.symbols);
          if (!parts) fail("unknown " + (next === "(" ? "function" : "symbol") + " '" + t + "' at column " + tok.column + "; allowed: " + allowedText(check));
          piece = "(" + parts.join(" * ") + ")";
        }
      } else {
        kind = t === ")" ? "value" : t === "(" ? "open" : "op";
      }
      if (prev === "value" && kind !== "op" && t !== ")") out.push("*");
      out.push(piece);
      prev = kind;
    });
    return out.join(" ");
  }

  // One expression, whitelisted node by node; returns the parsed tree.
  function parseOne(src, check, functions) {
    if (!src.trim()) fail("empty input");
    var written = explicit(src, check, functions), node;
    try { node = mathjs().parse(written); } catch (e) { fail("syntax error: " + e.message); }
    node.traverse(function (n, path) {
      if (n.type === "OperatorNode") {
        if (!OPS[n.fn]) fail("operator '" + n.op + "' is not allowed");
        if (n.fn === "pow") exponent(n.args[1]);
      } else if (n.type === "FunctionNode") {
        if (n.fn.type !== "SymbolNode" || functions.indexOf(n.fn.name) < 0 || n.args.length !== 1) fail("function not allowed");
      } else if (n.type === "SymbolNode") {
        if (path !== "fn" && check.symbols.indexOf(n.name) < 0) fail("unknown symbol '" + n.name + "'");
      } else if (n.type === "ConstantNode") {
        if (!mathjs().isFraction(n.value)) fail("only numbers are allowed");
      } else if (n.type !== "ParenthesisNode") {
        fail("not allowed: " + n.type);
      }
    });
    if (degree(node) > MAX_DEGREE) fail("degree above " + MAX_DEGREE + " once multiplied out");
    return node;
  }

  // The reader's answer: a list of trees (one, or a shape's three).
  function parseAnswer(text, check) {
    if (text.length > MAX_LENGTH) fail("input longer than " + MAX_LENGTH + " characters");
    var src = normalise(text);
    if (check.kind === "factor") src = src.replace(/^\s*[*xX]\s*(?=[\d(])/, "");   // "×4", "x4": 4
    var bad = src.search(/[^0-9A-Za-z_+\-*\/^().,\s]/);
    if (bad >= 0) fail("syntax error at column " + (bad + 1) + ": unexpected character '" + src[bad] + "'");
    var functions = check.functions.slice();
    if (/[⌊⌈]/.test(text)) functions.push("floor", "ceil");
    var parts = items(src);
    if (check.kind === "shape") {
      if (parts.length !== 3) fail("expected 3 sizes separated by commas (height, width, channels), got " + parts.length);
    } else if (parts.length !== 1) {
      fail("expected one expression, got " + parts.length + " separated by commas");
    }
    return parts.map(function (p) { return parseOne(p, check, functions); });
  }

  // ---------------------------------------------------------------- formulas, shapes, factors

  function fraction(v) { return mathjs().fraction(String(v)); }

  function scope(check, point) {
    var s = {};
    check.symbols.forEach(function (name) { s[name] = fraction(point[check.aliases[name] || name]); });
    return s;
  }

  function valuesAt(trees, check) {
    var codes = trees.map(function (t) { return t.compile(); });
    return check.points.map(function (p) {
      var s = scope(check, p);
      return codes.map(function (code) {
        var v;
        try { v = code.evaluate(Object.assign({}, s)); } catch (e) { fail("it has no value at " + where(p) + " (" + e.message + ")"); }
        if (!mathjs().isFraction(v)) fail("not a number");
        return v;
      });
    });
  }

  function same(yours, values) {
    for (var i = 0; i < values.length; i++) {
      var want = Array.isArray(values[i]) ? values[i] : [values[i]];
      for (var j = 0; j < want.length; j++) if (!yours[i][j].equals(fraction(want[j]))) return false;
    }
    return true;
  }

  function fmt(v) {
    if (Number(v.d) === 1) return (v.s < 0 ? "-" : "") + BigInt(v.n).toLocaleString("en-US");
    return v.toFraction();
  }

  function shown(values) { return values.map(fmt).join(" × "); }

  function exact(x) { return fmt(fraction(x)); }

  function bookValue(check) {
    var v = check.answer.values[0];
    return Array.isArray(v) ? v.map(exact).join(" × ") : exact(v);
  }

  function where(point) {
    var keys = Object.keys(point);
    return keys.length ? keys.map(function (k) { return k + "=" + point[k]; }).join(", ") : "every size";
  }

  function atDefaults(check, text) {
    return Object.keys(check.defaults).length ? text + " at " + where(check.defaults) : text;
  }

  function judgeValues(trees, check) {
    var yours = valuesAt(trees, check);
    if (same(yours, check.answer.values)) {
      return {verdict: "correct", text: "correct: " + check.answer.text +
        (Object.keys(check.defaults).length ? " (" + atDefaults(check, bookValue(check)) + ")" : "")};
    }
    var i;
    for (i = 0; i < check.conventions.length; i++) {
      if (same(yours, check.conventions[i].values)) {
        return {verdict: "convention", convention: check.conventions[i].name,
          text: "correct under another convention: " + check.conventions[i].name + ". The book's answer is " +
            check.answer.text + " (" + atDefaults(check, bookValue(check)) + ")."};
      }
    }
    for (i = 0; i < check.slips.length; i++) {
      var s = check.slips[i];
      if (same(yours, s.values)) {
        return {verdict: "slip", slips: s.slips, convention: s.convention,
          text: "not the book's answer" + (s.convention ? " (under the convention: " + s.convention + ")" : "") +
            ": " + s.parts.join("; ") + ". Yours gives " + atDefaults(check, shown(yours[0])) + ", the book's " +
            bookValue(check) + "."};
      }
    }
    var differs = "";
    if (check.kind === "shape") {
      differs = "; " + SHAPE_NAMES.filter(function (name, k) {
        return check.points.some(function (p, i) {
          return !yours[i][k].equals(fraction(check.answer.values[i][k]));
        });
      }).map(function (name) { return "the " + name + " differs"; }).join(", ");
    }
    return {verdict: "unknown", text: "not the book's answer, and no known slip gives it: yours gives " +
      atDefaults(check, shown(yours[0])) + ", the book's " + bookValue(check) + differs + "."};
  }

  // ---------------------------------------------------------------- orders: O(n^a·log(n)^b)
  // The reader's order is worked out from the formula's terms: each value is a sum of terms
  // c·n^a·log(n)^b; the largest (a, b) with c ≠ 0 is the order. A quotient by a sum keeps its
  // leading term only (its order is right, its lower terms are not), and a sum that cancels such
  // a leading term cannot be told.

  function term(a, b, c) { return {a: a, b: b, c: c}; }
  function poly(terms, approx) { return {terms: terms, approx: !!approx}; }
  function cmp(x, y) { return x.a !== y.a ? x.a - y.a : x.b - y.b; }
  function tidy(terms) {
    var by = {};
    terms.forEach(function (t) {
      var k = t.a + "," + t.b;
      by[k] = by[k] ? term(t.a, t.b, by[k].c + t.c) : t;
    });
    var scale = Math.max.apply(null, [0].concat(terms.map(function (t) { return Math.abs(t.c); })));
    return Object.keys(by).map(function (k) { return by[k]; })
      .filter(function (t) { return Math.abs(t.c) > 1e-12 * scale; })
      .sort(function (x, y) { return cmp(y, x); });
  }
  function lead(p) { return p.terms.length ? p.terms[0] : null; }
  function add(p, q, sign) {
    var terms = tidy(p.terms.concat(q.terms.map(function (t) { return term(t.a, t.b, sign * t.c); })));
    var out = poly(terms, p.approx || q.approx);
    if (out.approx) {
      var before = [lead(p), lead(q)].filter(Boolean).sort(function (x, y) { return cmp(y, x); })[0];
      if (before && (!lead(out) || cmp(lead(out), before) < 0)) fail("cannot tell how it grows");
      out.terms = out.terms.slice(0, 1);
    }
    return out;
  }
  function mul(p, q) {
    var terms = [];
    p.terms.forEach(function (s) { q.terms.forEach(function (t) { terms.push(term(s.a + t.a, s.b + t.b, s.c * t.c)); }); });
    var out = poly(tidy(terms), p.approx || q.approx);
    if (out.approx) out.terms = out.terms.slice(0, 1);
    return out;
  }
  function growth(node) {
    switch (node.type) {
      case "ConstantNode": return poly(tidy([term(0, 0, Number(node.value))]));
      case "SymbolNode": return poly([term(1, 0, 1)]);
      case "ParenthesisNode": return growth(node.content);
      case "FunctionNode": {
        var inner = growth(node.args[0]);
        if (node.fn.name === "O") return inner;
        if (node.fn.name !== "log") fail("cannot tell how " + node.fn.name + "(…) grows");
        var l = lead(inner);
        if (!l || l.c <= 0) fail("the log of a value that is not positive for large n has no value");
        if (l.b !== 0) fail("cannot tell how it grows (a log of a log)");
        if (l.a < 0) fail("cannot tell how it grows (the log of a value that tends to 0)");
        if (l.a === 0 && (inner.terms.length > 1 || inner.approx)) fail("cannot tell how it grows");
        var terms = [term(0, 1, l.a), term(0, 0, Math.log(l.c))];
        return poly(tidy(terms), inner.approx || inner.terms.length > 1);
      }
      case "OperatorNode": {
        var args = node.args.map(growth);
        if (node.fn === "unaryMinus") return mul(poly([term(0, 0, -1)]), args[0]);
        if (node.fn === "unaryPlus") return args[0];
        if (node.fn === "add") return add(args[0], args[1], 1);
        if (node.fn === "subtract") return add(args[0], args[1], -1);
        if (node.fn === "multiply") return mul(args[0], args[1]);
        if (node.fn === "pow") {
          var out = poly([term(0, 0, 1)]);
          for (var k = exponent(node.args[1]); k > 0; k--) out = mul(out, args[0]);
          return out;
        }
        if (node.fn === "divide") {
          var d = lead(args[1]);
          if (!d) fail("division by zero");
          var q = mul(args[0], poly([term(-d.a, -d.b, 1 / d.c)]));
          return args[1].terms.length > 1 || args[1].approx ? poly(q.terms.slice(0, 1), true) : q;
        }
      }
    }
    return fail("cannot tell how it grows");
  }
  function orderText(o) {
    var a = o[0], b = o[1], parts = [];
    if (a) parts.push(a === 1 ? "n" : "n^" + a);
    if (b) parts.push(b === 1 ? "log(n)" : "log(n)^" + b);
    return "O(" + (parts.join("·") || "1") + ")";
  }
  function judgeOrder(tree, check) {
    var p = growth(tree), l = lead(p);
    if (!l) fail("O(0): an order of growth needs a positive argument (a positive constant is O(1))");
    if (l.c < 0) fail("an order of growth needs an argument that is positive for large n, e.g. O(n)");
    var yours = [l.a, l.b], book = check.answer.order;
    var is = function (o) { return o[0] === yours[0] && o[1] === yours[1]; };
    if (is(book)) return {verdict: "correct", text: "correct: " + check.answer.text};
    var i;
    for (i = 0; i < check.conventions.length; i++) {
      if (is(check.conventions[i].order)) {
        return {verdict: "convention", convention: check.conventions[i].name,
          text: "correct under another convention: " + check.conventions[i].name + ". The book's answer is " + check.answer.text + "."};
      }
    }
    for (i = 0; i < check.slips.length; i++) {
      if (is(check.slips[i].order)) {
        return {verdict: "slip", slips: check.slips[i].slips,
          text: "not the book's answer " + check.answer.text + ": " + check.slips[i].name};
      }
    }
    var faster = yours[0] !== book[0] ? yours[0] > book[0] : yours[1] > book[1];
    return {verdict: "unknown", text: "not the book's answer: " + orderText(yours) + " grows " +
      (faster ? "faster" : "slower") + " than the book's " + check.answer.text};
  }

  // ---------------------------------------------------------------- the boxes

  function judge(id, text) {
    var check = DATA[id];
    if (!check) return {verdict: "error", text: "no such check: " + id};
    try {
      var trees = parseAnswer(text, check);
      return check.kind === "order" ? judgeOrder(trees[0], check) : judgeValues(trees, check);
    } catch (e) {
      return {verdict: "error", text: "cannot read this: " + e.message};
    }
  }

  function attach(box) {
    var id = box.getAttribute("data-check");
    var input = box.querySelector("input");
    var out = box.querySelector(".answer-check-result");
    if (!DATA[id] || !input || !out) return;
    function update() {
      if (!input.value.trim()) {
        out.textContent = "";
        out.setAttribute("data-verdict", "");
        out.removeAttribute("data-slips");
        return;
      }
      var r = judge(id, input.value);
      out.textContent = r.text;
      out.setAttribute("data-verdict", r.verdict);
      out.setAttribute("data-slips", JSON.stringify(r.slips || []));
      out.setAttribute("data-convention", r.convention || "");
    }
    input.addEventListener("input", update);
    update();
  }

  window.SolutionsAnswerCheck = {judge: judge};
  function start() { Array.prototype.forEach.call(document.querySelectorAll(".answer-check"), attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
