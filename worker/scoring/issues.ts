/** Turning validation problems into `{path, message}` pairs with dotted paths ("rules.2.when.path"). */
import type * as z from "zod/mini";

export type ModelIssue = { path: string; message: string };

export type PathPart = string | number;

export function joinPath(parts: readonly PathPart[]): string {
  return parts.join(".");
}

function valueAt(root: unknown, parts: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const p of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function article(t: string): string {
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/**
 * zod/mini ships without message locales (that is what keeps it small), so every issue says
 * "Invalid input" unless a check carries its own text. Write the common ones here.
 */
export function zodIssues(
  issues: readonly z.core.$ZodIssue[],
  root: unknown,
  prefix: readonly PathPart[],
  unknownKey: (objectPath: readonly PropertyKey[], key: string) => string = (_p, k) => `unknown key "${k}"`,
): ModelIssue[] {
  const out: ModelIssue[] = [];
  const pre = prefix.map(String);
  for (const issue of issues) {
    const parts = issue.path.map(String);
    const path = joinPath([...pre, ...parts]);
    switch (issue.code) {
      case "unrecognized_keys":
        for (const k of issue.keys) out.push({ path: joinPath([...pre, ...parts, k]), message: unknownKey(issue.path, k) });
        break;
      case "invalid_type": {
        const missing = valueAt(root, issue.path) === undefined;
        const expected = issue.expected === "int" ? "integer" : issue.expected;
        out.push({ path, message: missing ? "required" : `expected ${article(expected)}` });
        break;
      }
      case "too_small":
      case "too_big": {
        const small = issue.code === "too_small";
        const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
        const incl = issue.inclusive !== false;
        const n = Number(bound);
        // Bounds are always worded here: whether zod's English locale is loaded depends on
        // whether full `zod` is imported elsewhere in the bundle.
        if (issue.origin === "string") out.push({ path, message: `must be ${small ? "at least" : "at most"} ${n} characters long` });
        else if (issue.origin === "array" || issue.origin === "set") out.push({ path, message: `must have ${small ? "at least" : "at most"} ${n} item${n === 1 ? "" : "s"}` });
        else out.push({ path, message: `must be ${small ? (incl ? "at least" : "greater than") : incl ? "at most" : "less than"} ${n}` });
        break;
      }
      case "invalid_value":
        out.push({ path, message: `expected one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` });
        break;
      case "invalid_union": {
        const expected = new Set<string>();
        for (const branch of issue.errors) for (const e of branch) if (e.code === "invalid_type") expected.add(e.expected);
        out.push({ path, message: expected.size ? `expected ${[...expected].join(" or ")}` : "invalid value" });
        break;
      }
      default:
        out.push({ path, message: issue.message === "Invalid input" ? "invalid value" : issue.message });
    }
  }
  return out;
}

const TOP_ORDER = ["readiness", "tiers", "categories", "rules", "leadType", "triggers", "promos", "exposeScore"];

/**
 * Document order: top-level keys as in SPEC §4, array items by index; otherwise stable.
 * The same problem found twice (zod's structural pass and the cross-field pass both see a
 * missing `when`) is listed once: issues are deduplicated by path and message.
 */
export function sortIssues(issues: ModelIssue[]): ModelIssue[] {
  const seen = new Set<string>();
  issues = issues.filter((i) => {
    const key = i.path + "\u0000" + i.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const rank = (seg: string) => {
    const i = TOP_ORDER.indexOf(seg);
    return i < 0 ? TOP_ORDER.length : i;
  };
  return issues
    .map((issue, i) => ({ issue, i, segs: issue.path.split(".") }))
    .sort((a, b) => {
      const d0 = rank(a.segs[0] ?? "") - rank(b.segs[0] ?? "");
      if (d0 !== 0) return d0;
      for (let k = 1; k < Math.min(a.segs.length, b.segs.length); k++) {
        const x = a.segs[k] as string;
        const y = b.segs[k] as string;
        if (x === y) continue;
        if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
        break;
      }
      return a.i - b.i;
    })
    .map((e) => e.issue);
}
