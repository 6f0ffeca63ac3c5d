// The CSV column mapping of an import (`?map=` or a `{"mapping": …}` first
// line): which column is the email / CRM id / visitor, which are traits and of
// what type, which is the outcome and its date and value. Every other column is
// ignored and listed in the answer. A row becomes an ImportLine (line.ts).
import * as z from "zod/mini";
import type { Issue } from "../http/errors";
import { derivedId } from "../lib/crypto";
import { safeKey } from "../lib/zod";
import type { ImportLine } from "./line";

const column = z.string().check(z.minLength(1), z.maxLength(256));

export const mappingSchema = z.strictObject({
  email: z.optional(column),
  external_id: z.optional(column),
  visitor: z.optional(column),
  traits: z.optional(
    z.record(safeKey(128), z.enum(["number", "string", "boolean"])).check(z.refine((o) => Object.keys(o).length <= 100, "must have at most 100 traits")),
  ),
  outcome: z.optional(column),
  convertedAt: z.optional(column),
  value: z.optional(column),
  delimiter: z.optional(z.enum([",", ";", "\t", "|"])),
});
export type Mapping = z.infer<typeof mappingSchema>;

/** The columns a mapping names, besides the traits. */
const ROLES = ["email", "external_id", "visitor", "outcome", "convertedAt", "value"] as const;

/** Problems of a mapping against the header it is applied to (columns it names that are not there). */
export function mappingProblems(m: Mapping, header: string[]): Issue[] {
  const have = new Set(header);
  const issues: Issue[] = [];
  for (const role of ROLES) {
    const col = m[role];
    if (col !== undefined && !have.has(col)) issues.push({ path: `map.${role}`, message: `no column "${col}" in the header` });
  }
  for (const col of Object.keys(m.traits ?? {})) if (!have.has(col)) issues.push({ path: `map.traits.${col}`, message: `no column "${col}" in the header` });
  return issues;
}

/** The header's columns the mapping does not use. */
export function ignoredColumns(m: Mapping, header: string[]): string[] {
  const used = new Set<string>([...ROLES.map((r) => m[r]).filter((c): c is string => c !== undefined), ...Object.keys(m.traits ?? {})]);
  return header.filter((h) => !used.has(h));
}

/** The delimiter of a header line: the given one, else the most frequent of `,` `;` tab `|`. */
export function detectDelimiter(headerLine: string): string {
  let best = ",";
  let most = 0;
  for (const d of [",", ";", "\t", "|"]) {
    const n = headerLine.split(d).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

const TRUE = new Set(["yes", "y", "true", "t", "1"]);
const FALSE = new Set(["no", "n", "false", "f", "0"]);

function bool(v: string): boolean | null {
  const s = v.trim().toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : null;
}

/** A number as a CSV writes it: decimal point, optional sign and exponent; nothing else. */
function num(v: string): number | null {
  const s = v.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** A date as epoch milliseconds (digits) or anything Date.parse reads (ISO 8601). */
function date(v: string): number | null {
  const s = v.trim();
  if (/^\d{1,15}$/.test(s)) return Number(s);
  const t = Date.parse(s);
  return Number.isFinite(t) && t >= 0 ? t : null;
}

export type Mapped = { ok: true; line: ImportLine } | { ok: false; issues: Issue[] };

/**
 * One CSV row as an import line. A row with no email, CRM id or visitor column
 * mapped gets a CRM id derived from its content and line number, so that the
 * same file imported again reaches the same leads.
 */
export async function mapRow(m: Mapping, header: string[], row: string[], lineNo: number): Promise<Mapped> {
  if (row.length !== header.length) return { ok: false, issues: [{ path: "", message: `has ${row.length} fields; the header has ${header.length}` }] };
  const cell = (col: string | undefined) => (col === undefined ? "" : (row[header.indexOf(col)] ?? "").trim());
  const issues: Issue[] = [];
  const out: ImportLine = {};
  if (cell(m.email)) out.email = cell(m.email).toLowerCase();
  if (cell(m.external_id)) out.external_id = cell(m.external_id);
  if (cell(m.visitor)) out.visitor = cell(m.visitor);
  if (!m.email && !m.external_id && !m.visitor) out.external_id = await derivedId("row:", String(lineNo), ...row);
  const traits: Record<string, string | number | boolean> = {};
  for (const [col, type] of Object.entries(m.traits ?? {})) {
    const v = cell(col);
    // An empty cell is a missing value: the trait stays unset.
    if (v === "") continue;
    const t = type === "number" ? num(v) : type === "boolean" ? bool(v) : v;
    if (t === null) issues.push({ path: col, message: `"${v.slice(0, 40)}" is not a ${type}` });
    else traits[col] = t;
  }
  if (Object.keys(traits).length) out.traits = traits;
  if (m.outcome) {
    const v = cell(m.outcome);
    const b = v === "" ? false : bool(v);
    if (b === null) issues.push({ path: m.outcome, message: `"${v.slice(0, 40)}" is not an outcome (yes/no, true/false, 1/0)` });
    else out.converted = b;
  }
  if (m.convertedAt && cell(m.convertedAt)) {
    const t = date(cell(m.convertedAt));
    if (t === null) issues.push({ path: m.convertedAt, message: "is not a date (ISO 8601 or epoch milliseconds)" });
    else out.convertedAt = t;
  }
  if (m.value && cell(m.value)) {
    const v = num(cell(m.value));
    if (v === null) issues.push({ path: m.value, message: "is not a number" });
    else out.value = v;
  }
  return issues.length ? { ok: false, issues } : { ok: true, line: out };
}
