// The wire format of events (SPEC §3), validated at the edge of the system.
import * as z from "zod/mini";
import { ApiError } from "../http/errors";
import { safeKey, text } from "../lib/zod";

import { EVENT_TYPES } from "../scoring/events";

export { EVENT_TYPES, type EventType } from "../scoring/events";

export const MAX_EVENTS = 50;

/** A body with more events than a request may carry is too large (413), whatever else is wrong with it. */
export function assertEventCount(raw: unknown): void {
  const events = (raw as { events?: unknown } | null)?.events;
  if (Array.isArray(events) && events.length > MAX_EVENTS)
    throw new ApiError(413, "too_many_events", `At most ${MAX_EVENTS} events per request; got ${events.length}. Send them in several requests.`);
}

const primitive = z.union([text(1000), z.number().check(z.refine(Number.isFinite, "must be finite")), z.boolean(), z.null()]);
// Props allow one level of nesting (a purchase's items, a product's attributes):
// enough for commerce events without unbounded documents.
const propValue = z.union([
  primitive,
  z.array(z.union([primitive, z.record(safeKey(128), primitive)])).check(z.maxLength(100)),
  z.record(safeKey(128), primitive),
]);
const props = z.record(safeKey(128), propValue).check(
  z.refine((o) => Object.keys(o).length <= 100, "must have at most 100 keys"),
);

export const traitsSchema = z.record(safeKey(128), primitive).check(
  z.refine((o) => Object.keys(o).length <= 100, "must have at most 100 traits"),
);
export type Traits = z.infer<typeof traitsSchema>;

const id = text(128, 1);

export const eventSchema = z
  .object({
    id,
    type: z.enum(EVENT_TYPES),
    ts: z.int().check(z.gte(0)),
    name: z.optional(text(1000, 1)),
    url: z.optional(text(2048)),
    ref: z.optional(text(2048)),
    title: z.optional(text(512)),
    session: z.optional(id),
    props: z.optional(props),
    // Signed identify (identify events only): hex HMAC-SHA256 of the email under
    // the site's identity secret. Checked by ingest/identity.ts, never stored.
    signature: z.optional(z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (HMAC-SHA256)"))),
  })
  .check(
    z.refine((e) => (e.type !== "custom" && e.type !== "form_submit") || !!e.name, {
      message: "is required for custom and form_submit events",
      path: ["name"],
    }),
  );
export type WireEvent = z.infer<typeof eventSchema>;

const events = z.array(eventSchema).check(z.minLength(1), z.maxLength(MAX_EVENTS));

export const collectSchema = z.object({
  site: text(64, 1),
  visitor: id,
  session: z.optional(id),
  events,
  traits: z.optional(traitsSchema),
});
export type CollectBody = z.infer<typeof collectSchema>;

export const adminEventsSchema = z
  .object({
    visitor: z.optional(id),
    email: z.optional(z.email().check(z.maxLength(254))),
    traits: z.optional(traitsSchema),
    events,
  })
  .check(
    z.refine((b) => !!b.visitor !== !!b.email, {
      message: "give exactly one of `visitor` or `email`",
      path: ["visitor"],
    }),
  );
export type AdminEventsBody = z.infer<typeof adminEventsSchema>;
