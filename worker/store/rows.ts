// Row types of the raw D1 results, derived from the drizzle schema (db/schema.ts)
// so no row shape is copied by hand: column names as in SQL (snake_case), JSON
// columns as the text D1 returns, nullable columns as `| null`.
import type { Column, Table } from "drizzle-orm";
import type * as schema from "../../db/schema";

type RawValue<C extends Column> = (C["_"]["dataType"] extends "json" ? string : C["_"]["data"]) | (C["_"]["notNull"] extends true ? never : null);

/** A full row of `T` as `SELECT *` returns it from D1. */
export type RawRow<T extends Table> = {
  [K in keyof T["_"]["columns"] as T["_"]["columns"][K]["_"]["name"]]: RawValue<T["_"]["columns"][K]>;
};

export type SiteRow = RawRow<typeof schema.sites>;
export type LeadTableRow = RawRow<typeof schema.leads>;
export type EventTableRow = RawRow<typeof schema.events>;
export type SessionRow = RawRow<typeof schema.sessions>;
export type LeadScoreRow = RawRow<typeof schema.leadScores>;
export type ModelTableRow = RawRow<typeof schema.models>;
export type AlertRow = RawRow<typeof schema.alerts>;
export type PromoCodeRow = RawRow<typeof schema.promoCodes>;
export type ProductRow = RawRow<typeof schema.products>;
export type DashboardSessionRow = RawRow<typeof schema.dashboardSessions>;
export type VisitorRow = RawRow<typeof schema.visitors>;
export type ModelVersionRow = RawRow<typeof schema.modelVersions>;
export type ConversionRow = RawRow<typeof schema.conversions>;
export type CoViewRow = RawRow<typeof schema.coViews>;
export type DailySaltRow = RawRow<typeof schema.dailySalts>;
export type DigestClaimRow = RawRow<typeof schema.digestClaims>;
