// The model editor's script, only on the editor page (the CSP allows no inline script).
// A static asset, not part of the Worker: scripts/build-dashboard.mjs minifies it to
// public/assets/editor.<content hash>.js and writes that path to
// worker/dashboard/editor-asset.ts, which the editor page links.
// Plain browser JavaScript, no framework.
//
// The JSON document is the one source of truth: the visual editor reads it, edits the
// parsed object in place and writes it back to the textarea (which is what the form
// saves), so keys the visual editor does not know (a trigger's `channel`, a promo's
// `requires`, `leadType`, conditions with `all`/`any`) are kept as they are, and
// switching tabs loses nothing. Every change asks the server for a preview (debounced).
// Values from the site's data (the vocabulary) are only ever set as text or values.
(function () {
"use strict";
var root = document.getElementById("editor");
if (!root || !window.fetch || !window.DOMParser) return;
var form = document.getElementById("model-form");
var ta = document.getElementById("doc");
var vis = document.getElementById("panel-visual");
var adv = document.getElementById("panel-json");
var tablist = document.getElementById("editor-tabs");
var tabV = document.getElementById("tab-visual");
var tabJ = document.getElementById("tab-json");
var slot = document.getElementById("preview-slot");
var status = document.getElementById("preview-status");
var jerr = document.getElementById("json-error");
var previewUrl = root.getAttribute("data-preview");
var vocab = parse(root.getAttribute("data-vocab")) || {};

var TYPES = [["page_view", "Page view"], ["session_start", "Visit (session start)"], ["chat", "Chat"], ["trial_signup", "Trial signup"],
  ["form_submit", "Form submit"], ["custom", "Custom event"], ["product_view", "Product view"], ["cart", "Add to cart"],
  ["purchase", "Purchase"], ["identify", "Identify"]];
var OPS = [["eq", "is"], ["neq", "is not"], ["in", "is one of"], ["gte", "is at least"], ["lte", "is at most"], ["contains", "contains"], ["exists", "is set"]];
var PER = [["", "every time"], ["lead", "per lead"], ["session", "per session"], ["day", "per day"]];
var DEFAULT_TIERS = { warm: 15, hot: 30 };
var DEFAULT_CATS = { fit: { kind: "fit", max: 50 }, interest: { kind: "interest", max: 50 } };

var doc = {};
var sums = [];

function parse(s) { try { return JSON.parse(s); } catch (e) { return null; } }
function isObj(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
function set(o, k, v) { if (v === undefined || v === "") delete o[k]; else o[k] = v; }
function arr(k) { if (!Array.isArray(doc[k])) doc[k] = []; return doc[k]; }
function typeLabel(t) { for (var i = 0; i < TYPES.length; i++) if (TYPES[i][0] === t) return TYPES[i][1]; return t; }
function count(list, v) { for (var i = 0; list && i < list.length; i++) if (list[i].value === v) return list[i].count; return 0; }

function h(tag, attrs) {
  var e = document.createElement(tag), value;
  for (var k in attrs || {}) {
    var v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === "text") e.textContent = v;
    else if (k === "value") value = v;
    else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (var i = 2; i < arguments.length; i++) {
    var c = arguments[i];
    (Array.isArray(c) ? c : [c]).forEach(function (x) { if (x !== null && x !== undefined && x !== false) e.append(x); });
  }
  if (value !== undefined) e.value = value;
  return e;
}

function fld(id, label, control, help) {
  control.id = id;
  var w = h("div", { class: "fld" }, h("label", { for: id, text: label }), control);
  if (help) { control.setAttribute("aria-describedby", id + "-help"); w.append(h("small", { id: id + "-help", class: "mut", text: help })); }
  return w;
}
function text(value, on, attrs) {
  var a = { value: value === undefined || value === null ? "" : String(value), autocomplete: "off", spellcheck: "false", oninput: function (e) { on(e.target.value); } };
  for (var k in attrs || {}) a[k] = attrs[k];
  return h("input", a);
}
function num(value, on, attrs) {
  var a = { type: "number", step: "any", value: value === undefined || value === null ? "" : String(value),
    oninput: function (e) { on(e.target.value === "" ? undefined : Number(e.target.value)); } };
  for (var k in attrs || {}) a[k] = attrs[k];
  return h("input", a);
}
function choose(value, options, on) {
  return h("select", { value: value === undefined || value === null ? "" : String(value), onchange: function (e) { on(e.target.value); } },
    options.map(function (o) { return h("option", { value: o[0], text: o[1] }); }));
}
function button(label, on, attrs) {
  var a = { type: "button", class: "sec mini", text: label, onclick: on };
  for (var k in attrs || {}) a[k] = attrs[k];
  return h("button", a);
}

/**
 * A text field with a picker of the values seen on this site: choosing one fills the field
 * (or, for a list, adds to it). A plain select, so it works with the keyboard and screen readers.
 */
function combo(id, label, value, seen, on, o) {
  o = o || {};
  var input = text(value, on), list = [];
  var pick = h("select", { id: id + "-pick", class: "pick", "aria-label": o.pickLabel || "Seen on this site", onchange: function (e) {
    if (e.target.value === "") return;
    var v = String(list[Number(e.target.value)].value);
    if (o.append && input.value.trim() !== "") v = input.value.replace(/[\s,]+$/, "") + ", " + v;
    input.value = v;
    on(v);
    e.target.value = "";
    if (o.onpick) o.onpick();
  } });
  var w = fld(id, label, input, o.help);
  w.append(pick);
  w.refresh = function () {
    list = (typeof seen === "function" ? seen() : seen) || [];
    var opts = [h("option", { value: "", text: (o.pickLabel || "Seen on this site") + "…" })];
    list.forEach(function (s, i) { opts.push(h("option", { value: String(i), text: String(s.value) + " (" + s.count + ")" })); });
    pick.replaceChildren.apply(pick, opts);
    pick.hidden = list.length === 0;
  };
  w.refresh();
  return w;
}

function changed() {
  ta.value = JSON.stringify(doc, null, 2);
  sums.forEach(function (f) { f(); });
  schedule();
}

function render() {
  var a = document.activeElement, focus = a && vis.contains(a) ? a.id : null;
  sums = [];
  vis.replaceChildren(tiersPart(), categoriesPart(), rulesPart(false), rulesPart(true), promosPart(), triggersPart(), otherPart());
  if (focus) focusId(focus);
}
function focusId(id) { var e = document.getElementById(id); if (e) e.focus(); }
function rerender(focus) { render(); if (focus) focusId(focus); }

function uniqueId(prefix, list) {
  var ids = {};
  (list || []).forEach(function (x) { if (isObj(x)) ids[x.id] = 1; });
  for (var n = 1; ; n++) { var id = n === 1 ? prefix : prefix + "-" + n; if (!ids[id]) return id; }
}
function tiersNow() { return isObj(doc.tiers) ? doc.tiers : DEFAULT_TIERS; }
function catsNow() { return isObj(doc.categories) ? doc.categories : DEFAULT_CATS; }
function ownTiers() { if (!isObj(doc.tiers)) doc.tiers = JSON.parse(JSON.stringify(DEFAULT_TIERS)); return doc.tiers; }
function ownCats() { if (!isObj(doc.categories)) doc.categories = JSON.parse(JSON.stringify(DEFAULT_CATS)); return doc.categories; }
function renamed(o, from, to) { var out = {}; Object.keys(o).forEach(function (k) { out[k === from ? to : k] = o[k]; }); return out; }
function tierOptions() { return [["cold", "cold (every lead)"]].concat(Object.keys(tiersNow()).map(function (t) { return [t, t]; })); }

/** A name field for an object key: renamed on change (blur or Enter), refused when taken. */
function keyName(id, label, name, owner, onRename) {
  var input = text(name, function () {});
  input.addEventListener("change", function () {
    var v = input.value.trim(), o = owner();
    if (v === name) return;
    if (!v || Object.prototype.hasOwnProperty.call(o, v)) { input.value = name; say("The name " + (v ? "“" + v + "” is already used" : "cannot be empty") + "."); return; }
    onRename(name, v);
    changed();
    rerender(id);
  });
  return fld(id, label, input);
}
function say(msg) { status.textContent = msg; }

// ---- tiers ----
function tiersPart() {
  var t = tiersNow(), names = Object.keys(t);
  var fs = h("fieldset", { class: "ve", id: "ve-tiers" }, h("legend", { text: "Tiers: what a score means" }),
    h("p", { class: "mut small", text: "A lead is cold below the first tier. Each tier starts at its score; they must ascend. Must-haves that fail keep a lead cold." }));
  names.forEach(function (name, i) {
    var id = "t" + i, meaning = h("p", { class: "sum", id: id + "-meaning" });
    var sum = function () {
      var tt = tiersNow(), ks = Object.keys(tt), k = ks[i], next = ks[i + 1];
      if (k === undefined) return;
      meaning.textContent = "Score " + tt[k] + (next !== undefined ? " to below " + tt[next] : " and above") + ": " + k + (i === 0 ? " (below " + tt[k] + ": cold)" : "");
    };
    sums.push(sum);
    sum();
    fs.append(h("fieldset", { class: "ve-item" }, h("legend", { text: "Tier " + (i + 1) }),
      h("div", { class: "ve-row" },
        keyName(id + "-name", "Name", name, ownTiers, function (from, to) { doc.tiers = renamed(ownTiers(), from, to); }),
        fld(id + "-min", "From score", num(t[name], function (v) { ownTiers()[name] = v === undefined ? null : v; changed(); }, { min: 0 })),
        button("Remove", function () { delete ownTiers()[name]; changed(); rerender("ve-add-tier"); }, { "aria-label": "Remove tier " + name })),
      meaning));
  });
  var last = names.length ? t[names[names.length - 1]] : 0;
  fs.append(h("div", { class: "ve-row" },
    button("Add a tier", function () {
      var n = uniqueId("tier", Object.keys(ownTiers()).map(function (k) { return { id: k }; }));
      ownTiers()[n] = (typeof last === "number" ? last : 0) + 15;
      changed();
      rerender("t" + names.length + "-name");
    }, { id: "ve-add-tier" }),
    fld("ve-readiness", "Sales-ready at score", num(doc.readiness, function (v) { set(doc, "readiness", v); changed(); }, { min: 1, placeholder: "100" }),
      "readiness % = score ÷ this (100 unless set)")));
  return fs;
}

// ---- categories ----
function categoriesPart() {
  var cats = catsNow();
  var fs = h("fieldset", { class: "ve", id: "ve-cats" }, h("legend", { text: "Categories: maxima and decay" }),
    h("p", { class: "mut small", text: "Fit is who the lead is (traits); interest is what the lead does (events). A category never counts more than its maximum; interest can fade with time." }));
  Object.keys(cats).forEach(function (name, i) {
    var c = cats[name], id = "c" + i;
    if (!isObj(c)) return;
    var decay = isObj(c.decay) ? (c.decay.halfLifeDays !== undefined ? "halfLifeDays" : c.decay.expireDays !== undefined ? "expireDays" : "") : "";
    var row = h("div", { class: "ve-row" },
      keyName(id + "-name", "Name", name, ownCats, function (from, to) {
        doc.categories = renamed(ownCats(), from, to);
        if (Array.isArray(doc.rules)) doc.rules.forEach(function (r) { if (isObj(r) && r.category === from) r.category = to; });
      }),
      fld(id + "-kind", "Kind", choose(c.kind, [["fit", "fit (who the lead is)"], ["interest", "interest (what the lead does)"]], function (v) { ownCats()[name].kind = v; changed(); })),
      fld(id + "-max", "Maximum points", num(c.max, function (v) { set(ownCats()[name], "max", v); changed(); }, { min: 0 })),
      fld(id + "-decay", "Decay", choose(decay, [["", "none (counts forever)"], ["halfLifeDays", "half-life"], ["expireDays", "expires after"]], function (v) {
        var cc = ownCats()[name], days = isObj(cc.decay) ? (cc.decay.halfLifeDays || cc.decay.expireDays || 30) : 30;
        if (!v) delete cc.decay; else { cc.decay = {}; cc.decay[v] = days; }
        changed();
        rerender(id + "-decay");
      })));
    if (decay) row.append(fld(id + "-days", "Days", num(c.decay[decay], function (v) { set(ownCats()[name].decay, decay, v); changed(); }, { min: 1 })));
    row.append(button("Remove", function () { delete ownCats()[name]; changed(); rerender("ve-add-cat"); }, { "aria-label": "Remove category " + name }));
    fs.append(h("fieldset", { class: "ve-item" }, h("legend", { text: "Category " + name }), row));
  });
  fs.append(h("div", { class: "ve-row" }, button("Add a category", function () {
    var o = ownCats(), n = uniqueId("category", Object.keys(o).map(function (k) { return { id: k }; }));
    o[n] = { kind: "interest", max: 20 };
    changed();
    rerender("c" + (Object.keys(o).length - 1) + "-name");
  }, { id: "ve-add-cat" })));
  return fs;
}

// ---- conditions of rules ----
var EVENT_KEYS = { event: 1, name: 1, path: 1 };
function condKind(w) {
  if (!isObj(w)) return "event";
  var ks = Object.keys(w);
  if (ks.every(function (k) { return EVENT_KEYS[k]; })) return "event";
  if ("trait" in w) {
    var ops = ks.filter(function (k) { return k !== "trait"; });
    if (ops.length === 1 && OPS.some(function (o) { return o[0] === ops[0]; })) return "trait";
    if (ops.length === 0) return "trait";
  }
  return "advanced";
}
function opOf(w) { for (var i = 0; i < OPS.length; i++) if (OPS[i][0] in w) return OPS[i][0]; return "eq"; }
function traitInfo(key) { var t = vocab.traits || []; for (var i = 0; i < t.length; i++) if (t[i].key === key) return t[i]; return null; }
function typed(x, key) {
  var t = traitInfo(key);
  for (var i = 0; t && i < t.values.length; i++) if (String(t.values[i].value) === x) return t.values[i].value;
  return x;
}
function toValue(op, s, key) {
  if (op === "gte" || op === "lte") return s.trim() === "" ? undefined : isFinite(Number(s)) ? Number(s) : s;
  if (op === "in") return s.split(",").map(function (x) { return x.trim(); }).filter(Boolean).map(function (x) { return typed(x, key); });
  return typed(s, key);
}
function show(v) { return Array.isArray(v) ? v.join(", ") : v === undefined ? "" : String(v); }

function condition(r, id) {
  // A rule without a condition gets one only when it is edited: rendering changes nothing.
  var w = isObj(r.when) ? r.when : {}, ck = condKind(w), box = h("div", { class: "ve-row" });
  var own = function () { r.when = w; return w; };
  if (ck === "advanced") {
    box.append(h("p", { class: "small" }, "When ", h("code", { text: JSON.stringify(w) }), " (a combined condition: edit it in the Advanced tab)."));
    return box;
  }
  box.append(fld(id + "-kind", "When", choose(ck, [["event", "an event happens"], ["trait", "a trait matches"]], function (v) {
    r.when = v === "event" ? { event: "page_view" } : { trait: "", eq: "" };
    if (v === "trait") delete r.limit;
    changed();
    rerender(id + "-kind");
  })));
  if (ck === "event") {
    var types = [["", "any event"]].concat(TYPES.map(function (t) { var n = count(vocab.eventTypes, t[0]); return [t[0], t[1] + (n ? " (" + n + " seen)" : "")]; }));
    box.append(fld(id + "-type", "Event type", choose(w.event, types, function (v) {
      set(own(), "event", v);
      if (v && v !== "custom" && v !== "form_submit") delete w.name;
      changed();
      rerender(id + "-type");
    })));
    if (!w.event || w.event === "custom" || w.event === "form_submit" || w.name !== undefined) {
      var names = (vocab.eventNames || []).filter(function (n) { return !w.event || n.type === w.event; });
      box.append(combo(id + "-name", "Event name", w.name, names, function (v) { set(own(), "name", v); changed(); }, { pickLabel: "Seen event names" }));
    }
    box.append(combo(id + "-path", "Page path", w.path, vocab.paths, function (v) { set(own(), "path", v); changed(); },
      { pickLabel: "Seen paths", help: "Empty: any page. /pricing* is /pricing and everything below it." }));
  } else {
    var op = opOf(w), values = null;
    var seenValues = function () { var t = traitInfo(w.trait); return t ? t.values : null; };
    box.append(combo(id + "-trait", "Trait", w.trait, (vocab.traits || []).map(function (t) { return { value: t.key, count: t.count }; }),
      function (v) { own().trait = v; changed(); if (values) values.refresh(); }, { pickLabel: "Seen traits" }));
    box.append(fld(id + "-op", "Test", choose(op, OPS, function (v) {
      var old = show(w[op]);
      delete own()[op];
      w[v] = v === "exists" ? true : toValue(v, old, w.trait);
      if (w[v] === undefined) w[v] = "";
      changed();
      rerender(id + "-op");
    })));
    if (op === "exists") box.append(fld(id + "-value", "Value", choose(w.exists === false ? "false" : "true", [["true", "yes"], ["false", "no (missing)"]], function (v) { own().exists = v === "true"; changed(); })));
    else box.append(values = combo(id + "-value", op === "in" ? "Values (comma-separated)" : "Value", show(w[op]), seenValues,
      function (v) { var x = toValue(op, v, w.trait); own()[op] = x === undefined ? "" : x; changed(); }, { pickLabel: "Seen values of the trait", append: op === "in" }));
  }
  return box;
}

function describe(r) {
  var w = r.when || {}, ck = condKind(w), s;
  if (ck === "event") s = (w.event ? (/^[aeiou]/i.test(w.event) ? "an " : "a ") + typeLabel(w.event).toLowerCase() : "any event") + (w.name ? " named " + w.name : "") + (w.path ? " of path " + w.path : "");
  else if (ck === "trait") { var op = opOf(w); s = "trait " + (w.trait || "?") + " " + OPS.filter(function (o) { return o[0] === op; })[0][1] + (op === "exists" ? (w.exists === false ? " (no)" : "") : " " + show(w[op])); }
  else s = "the combined condition";
  if (r.disqualify) return "Disqualify when " + s + ".";
  if (r.must) return "Must have: " + s + ".";
  var p = typeof r.points === "number" ? r.points : 0;
  var lim = isObj(r.limit) ? ", at most " + r.limit.times + "× per " + r.limit.per : "";
  return "When " + s + " → " + (p >= 0 ? "+" : "") + p + " to " + (r.category || (ck === "trait" ? "fit" : "interest")) + lim + ".";
}

// ---- rules, must-haves and disqualifiers ----
function rulesPart(gates) {
  var rules = Array.isArray(doc.rules) ? doc.rules : [], fs;
  fs = gates
    ? h("fieldset", { class: "ve", id: "ve-gates" }, h("legend", { text: "Must-haves and disqualifiers" }),
      h("p", { class: "mut small", text: "A lead rises above cold only when every must-have holds; a disqualifier makes it disqualified (score 0, no alerts, no promos)." }))
    : h("fieldset", { class: "ve", id: "ve-rules" }, h("legend", { text: "Scoring rules" }),
      h("p", { class: "mut small", text: "Each rule adds (or takes away) points in a category when a lead does something or has a trait." }));
  rules.forEach(function (r, i) {
    if (!isObj(r) || !!(r.must || r.disqualify) !== gates) return;
    var id = "r" + i, legend = h("legend", { text: (gates ? (r.disqualify ? "Disqualifier " : "Must-have ") : "Rule ") + (r.id || "") });
    var sum = h("p", { class: "sum", id: id + "-sum" });
    var upd = function () { sum.textContent = describe(r); };
    sums.push(upd);
    upd();
    var item = h("fieldset", { class: "ve-item", id: id }, legend, sum, condition(r, id));
    var row = h("div", { class: "ve-row" });
    if (gates) {
      row.append(fld(id + "-gate", "Kind", choose(r.disqualify ? "disqualify" : "must", [["must", "must-have"], ["disqualify", "disqualifier"]], function (v) {
        delete r.must; delete r.disqualify; r[v] = true; changed(); rerender(id + "-gate");
      })));
    } else {
      // A combined condition about traits counts as a trait rule (no limit, fit by default).
      var ck = condKind(r.when);
      if (ck === "advanced" && JSON.stringify(r.when).indexOf('"trait"') >= 0) ck = "trait";
      row.append(fld(id + "-points", "Points", num(r.points, function (v) { set(r, "points", v); changed(); }), "negative points lower the score"));
      var cats = catsNow();
      row.append(fld(id + "-cat", "To category", choose(r.category, [["", "default (" + (ck === "trait" ? "fit" : "interest") + ")"]].concat(Object.keys(cats).map(function (c) {
        return [c, c + " (" + (isObj(cats[c]) ? cats[c].kind + ", max " + cats[c].max : "?") + ")"];
      })), function (v) { set(r, "category", v); changed(); })));
      if (ck !== "trait") {
        var per = isObj(r.limit) ? r.limit.per : "";
        row.append(fld(id + "-per", "Counts", choose(per, PER, function (v) {
          if (!v) delete r.limit; else r.limit = { times: isObj(r.limit) && r.limit.times ? r.limit.times : 1, per: v };
          changed();
          rerender(id + "-per");
        })));
        if (per) row.append(fld(id + "-times", "At most (times)", num(r.limit.times, function (v) { set(r.limit, "times", v); changed(); }, { min: 1, step: 1 })));
      }
    }
    row.append(fld(id + "-id", "Rule id", text(r.id, function (v) {
      r.id = v;
      legend.textContent = (gates ? (r.disqualify ? "Disqualifier " : "Must-have ") : "Rule ") + v;
      changed();
    }, { maxlength: 64 })));
    row.append(button("Remove", function () { rules.splice(i, 1); changed(); rerender(gates ? "ve-add-must" : "ve-add-rule"); }, { "aria-label": "Remove rule " + (r.id || i + 1) }));
    item.append(row);
    fs.append(item);
  });
  var add = function (rule) { var l = arr("rules"); rule.id = uniqueId(rule.id, l); l.push(rule); changed(); rerender("r" + (l.length - 1) + "-kind"); };
  if (gates) {
    fs.append(h("div", { class: "ve-row" },
      button("Add a must-have", function () { add({ id: "must", must: true, when: { trait: "", exists: true } }); }, { id: "ve-add-must" }),
      button("Add a disqualifier", function () { add({ id: "disqualify", disqualify: true, when: { trait: "", eq: "" } }); }, { id: "ve-add-disq" })));
  } else {
    fs.append(h("div", { class: "ve-row" }, button("Add a rule", function () {
      var cats = catsNow(), cat = Object.keys(cats).filter(function (c) { return isObj(cats[c]) && cats[c].kind === "interest"; })[0];
      var rule = { id: "rule", points: 10, when: { event: "page_view" } };
      if (cat) rule.category = cat;
      add(rule);
    }, { id: "ve-add-rule" })));
  }
  return fs;
}

// ---- promos and triggers: a tier condition edited here, anything else kept as it is ----
function tierWhen(item, id, label) {
  var w = item.when;
  if (isObj(w) && Object.keys(w).length === 1 && typeof w.tier === "string") {
    return fld(id + "-tier", label, choose(w.tier, tierOptions(), function (v) { w.tier = v; changed(); }));
  }
  return h("p", { class: "small" }, label + ": ", h("code", { text: JSON.stringify(w) }), " (edit it in the Advanced tab)");
}
function extraKeys(item, known) {
  var extra = Object.keys(item).filter(function (k) { return known.indexOf(k) < 0; });
  return extra.length ? h("p", { class: "mut small", text: "Also set (kept as is; see the Advanced tab): " + extra.join(", ") }) : null;
}

function promosPart() {
  var list = isObj(doc) && Array.isArray(doc.promos) ? doc.promos : [];
  var fs = h("fieldset", { class: "ve", id: "ve-promos" }, h("legend", { text: "Promo codes" }),
    h("p", { class: "mut small", text: "A lead that reaches the tier gets one code of the list (each code goes to one lead only)." }));
  list.forEach(function (p, i) {
    if (!isObj(p)) return;
    var id = "p" + i;
    fs.append(h("fieldset", { class: "ve-item" }, h("legend", { text: "Promo " + (p.id || "") }),
      h("div", { class: "ve-row" },
        fld(id + "-id", "Promo id", text(p.id, function (v) { p.id = v; changed(); }, { maxlength: 64 })),
        tierWhen(p, id, "For leads at least"),
        fld(id + "-msg", "Message", text(p.message, function (v) { set(p, "message", v); changed(); }, { maxlength: 500 })),
        button("Remove", function () { list.splice(i, 1); changed(); rerender("ve-add-promo"); }, { "aria-label": "Remove promo " + (p.id || i + 1) })),
      fld(id + "-codes", "Codes (one per line)", h("textarea", { rows: 3, value: Array.isArray(p.codes) ? p.codes.join("\n") : "", oninput: function (e) {
        p.codes = e.target.value.split("\n").map(function (x) { return x.trim(); }).filter(Boolean); changed();
      } })),
      extraKeys(p, ["id", "when", "message", "codes"])));
  });
  fs.append(h("div", { class: "ve-row" }, button("Add a promo", function () {
    var l = arr("promos"), tiers = Object.keys(tiersNow());
    l.push({ id: uniqueId("promo", l), when: { tier: tiers[0] || "cold" }, codes: [] });
    changed();
    rerender("p" + (l.length - 1) + "-id");
  }, { id: "ve-add-promo" })));
  return fs;
}

function triggersPart() {
  var list = isObj(doc) && Array.isArray(doc.triggers) ? doc.triggers : [];
  var fs = h("fieldset", { class: "ve", id: "ve-triggers" }, h("legend", { text: "Triggers (alerts)" }),
    h("p", { class: "mut small", text: "An alert is sent once each time a lead crosses into the tier (again only after it dropped below)." }));
  list.forEach(function (t, i) {
    if (!isObj(t)) return;
    var id = "g" + i;
    fs.append(h("fieldset", { class: "ve-item" }, h("legend", { text: "Trigger " + (t.id || "") }),
      h("div", { class: "ve-row" },
        fld(id + "-id", "Trigger id", text(t.id, function (v) { t.id = v; changed(); }, { maxlength: 64 })),
        tierWhen(t, id, "When a lead becomes at least"),
        fld(id + "-hook", "Webhook URL", text(t.webhook, function (v) { set(t, "webhook", v.trim()); changed(); }, { type: "url", placeholder: "https://… (empty: the site's default)" })),
        button("Remove", function () { list.splice(i, 1); changed(); rerender("ve-add-trigger"); }, { "aria-label": "Remove trigger " + (t.id || i + 1) })),
      extraKeys(t, ["id", "when", "webhook"])));
  });
  fs.append(h("div", { class: "ve-row" }, button("Add a trigger", function () {
    var l = arr("triggers"), tiers = Object.keys(tiersNow());
    l.push({ id: uniqueId("alert", l), when: { tier: tiers[tiers.length - 1] || "cold" } });
    changed();
    rerender("g" + (l.length - 1) + "-id");
  }, { id: "ve-add-trigger" })));
  return fs;
}

function otherPart() {
  var box = h("input", { type: "checkbox", id: "ve-expose", onchange: function (e) { if (e.target.checked) doc.exposeScore = true; else delete doc.exposeScore; changed(); } });
  box.checked = doc.exposeScore === true;
  return h("fieldset", { class: "ve" }, h("legend", { text: "Pages" }),
    h("div", { class: "ve-row" }, h("label", { for: "ve-expose" }, box, " Send the score itself to the page (hints always carry the tier)")),
    doc.leadType ? h("p", { class: "mut small", text: "Lead type digit from trait " + doc.leadType.trait + " (edit it in the Advanced tab)." }) : null);
}

// ---- live preview ----
var timer = 0, seq = 0;
function schedule() { clearTimeout(timer); timer = setTimeout(preview, 500); }
function preview() {
  var n = ++seq;
  slot.setAttribute("aria-busy", "true");
  fetch(previewUrl, { method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(form)) })
    .then(function (r) { return r.text(); })
    .then(function (html) {
      if (n !== seq) return;
      var d = new DOMParser().parseFromString(html, "text/html");
      slot.replaceChildren.apply(slot, Array.prototype.slice.call(d.body.childNodes));
      var s = slot.querySelector("[data-summary]");
      say(s ? "Preview: " + s.textContent.replace(/\s+/g, " ").trim() : "Preview updated.");
    }, function () {
      if (n !== seq) return;
      slot.replaceChildren(h("p", { class: "msg err", text: "The preview could not be loaded. Check the connection and edit again." }));
    })
    .then(function () { if (n === seq) slot.removeAttribute("aria-busy"); });
}

// ---- tabs ----
function located(src, e) {
  var m = String(e && e.message || e), at = /at position (\d+)/.exec(m), lc = /\(line (\d+) column (\d+)\)/.exec(m), off = at ? Number(at[1]) : null;
  var msg = m.replace(/ in JSON at position.*$/, "").replace(/ at position.*$/, "").replace(/, ".*" is not valid JSON$/, "");
  if (lc) return { message: msg, line: Number(lc[1]), column: Number(lc[2]), offset: off };
  if (off === null) return { message: msg, line: 0, column: 0, offset: null };
  var lines = src.slice(0, off).split("\n");
  return { message: msg, line: lines.length, column: lines[lines.length - 1].length + 1, offset: off };
}
function jsonProblem(src) {
  try {
    var v = JSON.parse(src);
    return isObj(v) ? null : { message: "the document must be a JSON object ({ … })", line: 0, offset: null };
  } catch (e) { return located(src, e); }
}
function showJsonError(p) {
  jerr.textContent = "The visual editor needs valid JSON: " + p.message + (p.line ? " (line " + p.line + ", column " + p.column + ")" : "") + ".";
  jerr.hidden = false;
}
function selectTab(json, focus) {
  if (!json) {
    var p = jsonProblem(ta.value);
    if (p) {
      showJsonError(p);
      ta.focus();
      if (p.offset !== null) ta.setSelectionRange(p.offset, p.offset);
      return;
    }
    jerr.hidden = true;
    doc = JSON.parse(ta.value);
    render();
  }
  tabV.setAttribute("aria-selected", String(!json));
  tabJ.setAttribute("aria-selected", String(json));
  tabV.tabIndex = json ? -1 : 0;
  tabJ.tabIndex = json ? 0 : -1;
  vis.hidden = json;
  adv.hidden = !json;
  if (focus) (json ? tabJ : tabV).focus();
}
tabV.addEventListener("click", function () { selectTab(false); });
tabJ.addEventListener("click", function () { selectTab(true); });
tablist.addEventListener("keydown", function (e) {
  var k = e.key;
  if (k === "ArrowLeft" || k === "ArrowRight" || k === "Home" || k === "End") {
    e.preventDefault();
    selectTab(k === "End" || (k !== "Home" && document.activeElement === tabV), true);
  }
});
ta.addEventListener("input", function () { if (!jerr.hidden && !jsonProblem(ta.value)) jerr.hidden = true; schedule(); });
// Enter in a visual field must not submit (the form's first button is Save).
vis.addEventListener("keydown", function (e) { if (e.key === "Enter" && e.target.tagName === "INPUT") e.preventDefault(); });
form.addEventListener("submit", function (e) {
  if (e.submitter && e.submitter.value === "preview") { e.preventDefault(); clearTimeout(timer); preview(); }
});

tablist.hidden = false;
var first = jsonProblem(ta.value);
if (first) { selectTab(true); showJsonError(first); } else selectTab(false);
// A document other than the saved one (new, a template, after a failed save) is previewed at once.
if (root.getAttribute("data-autopreview") && !slot.querySelector("#preview")) schedule();
})();
