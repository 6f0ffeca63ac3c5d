// A site's settings as its owner reads and changes them (GET/PATCH
// /v1/admin/sites/:id, issue 15): name, allowed origins, limits, URL and catalog
// rules, retention and the events that count as conversions. Never a secret.
import type { SiteRow } from "../store/rows";
import * as store from "../store/sites";
import { forgetSite, normalizeOrigin, toSite, type Site } from "./sites";

export type ConversionEvents = Site["conversionEvents"];

export interface SiteSettings {
  id: string;
  name: string;
  publicKey: string;
  origins: string[];
  rateLimits: { visitorPerMinute: number; sitePerMinute: number };
  catalogHosts: string[];
  keepParams: string[];
  retentionDays: number;
  conversionEvents: ConversionEvents;
  shard: number;
  createdAt: number;
}

export interface SiteSettingsPatch {
  name?: string | undefined;
  origins?: string[] | undefined;
  rateLimits?: { visitorPerMinute?: number | undefined; sitePerMinute?: number | undefined } | undefined;
  catalogHosts?: string[] | undefined;
  keepParams?: string[] | undefined;
  retentionDays?: number | undefined;
  /** A list of event names (no value), or names with the prop that holds the value. */
  conversionEvents?: string[] | ConversionEvents | undefined;
}

export const settingsOf = (s: Site): SiteSettings => ({
  id: s.id,
  name: s.name,
  publicKey: s.publicKey,
  origins: s.origins,
  rateLimits: { visitorPerMinute: s.rateVisitorPerMin, sitePerMinute: s.rateSitePerMin },
  catalogHosts: s.catalogHosts,
  keepParams: s.keepParams,
  retentionDays: s.retentionDays,
  conversionEvents: s.conversionEvents,
  shard: s.shard,
  createdAt: s.createdAt,
});

/** `["purchase"]` → `{"purchase": {}}`; an object stays as given. */
export function normalizeConversionEvents(v: string[] | ConversionEvents): ConversionEvents {
  if (!Array.isArray(v)) return v;
  const out: ConversionEvents = {};
  for (const name of v) out[name] = {};
  return out;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Applies the fields given (one statement); null when the site is gone. */
export async function updateSettings(db: D1Database, siteId: string, p: SiteSettingsPatch): Promise<SiteSettings | null> {
  const row = await store
    .updateSiteSettings(db, siteId, {
      name: p.name ?? null,
      origins: json(p.origins && [...new Set(p.origins.map(normalizeOrigin))]),
      rate_visitor_per_min: p.rateLimits?.visitorPerMinute ?? null,
      rate_site_per_min: p.rateLimits?.sitePerMinute ?? null,
      catalog_hosts: json(p.catalogHosts && [...new Set(p.catalogHosts)]),
      keep_params: json(p.keepParams && [...new Set(p.keepParams)]),
      retention_days: p.retentionDays ?? null,
      conversion_events: json(p.conversionEvents && normalizeConversionEvents(p.conversionEvents)),
    })
    .first<SiteRow>();
  // This isolate sees the change at once; others within the site cache's 30 s.
  forgetSite(siteId);
  const site = toSite(row);
  return site && settingsOf(site);
}

export async function siteSettings(db: D1Database, siteId: string): Promise<SiteSettings | null> {
  const site = toSite(await store.siteRowById(db, siteId));
  return site && settingsOf(site);
}
