// A lead's first touch (issue 13, attribution): where the lead came from, read from the earliest
// page view or session start of a batch. The planner stores it only on a lead that has none, so
// it is the first visit's and a later beacon cannot rewrite a lead's history. Everything here is
// untrusted beacon text: kept short, stored and rendered as text only.
import type { LeadRow } from "../store/leads/ingest";
import { queryOf, type StoredEvent } from "./normalize";

export interface FirstTouch {
  at: number;
  /** The referrer's host when it is another site's (a site's own pages are not a source). */
  referrer: string | null;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  /** The landing page's path. */
  landing: string | null;
}

const MAX = 200;
const str = (v: unknown): string | null => (typeof v === "string" && v.trim() ? v.trim().slice(0, MAX) : null);

function host(url: string | null): string | null {
  if (!url) return null;
  try {
    const h = new URL(url).hostname.toLowerCase();
    return h ? h.slice(0, MAX) : null;
  } catch {
    return null;
  }
}

/** `ownHosts`: the site's origins' hosts; a referrer from them is internal navigation. */
export function firstTouch(events: StoredEvent[], ownHosts: readonly string[]): FirstTouch | null {
  let first: StoredEvent | null = null;
  for (const e of events) if ((e.type === "page_view" || e.type === "session_start") && (!first || e.ts < first.ts)) first = e;
  if (!first) return null;
  const p = first.props ?? {};
  const ref = host(str(p.referrer) ?? first.ref);
  const q = queryOf(first.url);
  const utm = (k: string) => str(p[k]) ?? str(q?.get(k));
  return {
    at: first.ts,
    referrer: ref && !ownHosts.some((h) => ref === h || ref.endsWith(`.${h}`)) ? ref : null,
    utmSource: utm("utm_source"),
    utmMedium: utm("utm_medium"),
    utmCampaign: utm("utm_campaign"),
    landing: first.path ? first.path.slice(0, MAX) : null,
  };
}

/** The site's own hosts, from its origins (their subdomains count as the site's too, as `https://*.shop.example` says). */
export function ownHosts(origins: readonly string[]): string[] {
  return origins.flatMap((o) => {
    const h = host(o.replace("*.", ""));
    return h ? [h] : [];
  });
}

/** A lead row's first-touch columns. */
export type FirstTouchColumns = Pick<LeadRow, "first_touch_at" | "first_referrer" | "first_utm_source" | "first_utm_medium" | "first_utm_campaign" | "first_landing">;

/**
 * The first-touch columns to write: the first of `known` that has one keeps it
 * (the lead's own, then a merged lead's), else this batch's earliest visit.
 */
export function firstTouchColumns(known: (FirstTouchColumns | null | undefined)[], fresh: StoredEvent[], origins: readonly string[]): FirstTouchColumns {
  const kept = known.find((l) => l?.first_touch_at != null);
  if (kept) {
    const { first_touch_at, first_referrer, first_utm_source, first_utm_medium, first_utm_campaign, first_landing } = kept;
    return { first_touch_at, first_referrer, first_utm_source, first_utm_medium, first_utm_campaign, first_landing };
  }
  const t = firstTouch(fresh, ownHosts(origins));
  return {
    first_touch_at: t?.at ?? null,
    first_referrer: t?.referrer ?? null,
    first_utm_source: t?.utmSource ?? null,
    first_utm_medium: t?.utmMedium ?? null,
    first_utm_campaign: t?.utmCampaign ?? null,
    first_landing: t?.landing ?? null,
  };
}
