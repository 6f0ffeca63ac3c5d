// One lead of an import (issue 13), as an NDJSON line says it or a CSV row maps
// to it: validated at the edge, each line on its own (a bad line is reported with
// its number and skipped; the others go on).
import * as z from "zod/mini";
import { toIssues } from "../http/validate";
import type { Issue } from "../http/errors";
import { text } from "../lib/zod";
import { EVENT_TYPES, traitsSchema } from "../ingest/schema";
import { safeKey } from "../lib/zod";

/** Events one line may carry: a long history, still bounded per line. */
export const MAX_LINE_EVENTS = 1000;

const primitive = z.union([text(1000), z.number().check(z.refine(Number.isFinite, "must be finite")), z.boolean(), z.null()]);
const props = z.record(safeKey(128), z.union([primitive, z.array(primitive).check(z.maxLength(100)), z.record(safeKey(128), primitive)])).check(
  z.refine((o) => Object.keys(o).length <= 100, "must have at most 100 keys"),
);

const importEvent = z
  .strictObject({
    id: z.optional(text(128, 1)),
    type: z.enum(EVENT_TYPES),
    ts: z.int().check(z.gte(0)),
    name: z.optional(text(1000, 1)),
    url: z.optional(text(2048)),
    props: z.optional(props),
  })
  .check(
    z.refine((e) => (e.type !== "custom" && e.type !== "form_submit") || !!e.name, {
      message: "is required for custom and form_submit events",
      path: ["name"],
    }),
  );
export type ImportEvent = z.infer<typeof importEvent>;

export const importLineSchema = z
  .strictObject({
    email: z.optional(z.email().check(z.maxLength(254))),
    visitor: z.optional(text(128, 1)),
    external_id: z.optional(text(128, 1)),
    traits: z.optional(traitsSchema),
    events: z.optional(z.array(importEvent).check(z.maxLength(MAX_LINE_EVENTS))),
    converted: z.optional(z.boolean()),
    convertedAt: z.optional(z.int().check(z.gte(0))),
    value: z.optional(z.nullable(z.number().check(z.gte(0), z.lte(1e12)))),
  })
  .check(
    z.refine((l) => l.email !== undefined || l.visitor !== undefined || l.external_id !== undefined, {
      message: "give at least one of `email`, `external_id` or `visitor`",
      path: ["email"],
    }),
  );
export type ImportLine = z.infer<typeof importLineSchema>;

export type Checked = { ok: true; line: ImportLine } | { ok: false; issues: Issue[] };

export function checkLine(value: unknown): Checked {
  const r = importLineSchema.safeParse(value);
  return r.success ? { ok: true, line: r.data } : { ok: false, issues: toIssues(r.error) };
}
