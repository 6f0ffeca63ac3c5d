/**
 * Conversions (SPEC §3 `POST /v1/admin/conversions`): one row per conversion in `conversions`,
 * and on the lead `converted_at` = the first conversion's time and `conversion_value` = the sum
 * of the values given. A repeated conversion adds a row and its value but never changes the
 * "converted" status or its first time (the report counts leads, not conversions).
 */

import { rowsOf } from "../store/batch";
import { leadIdBy } from "../store/leads/queries";
import { conversionCount, insertConversion, markConverted, type ConvertedRow } from "../store/reports";

export type ConversionTarget = { lead: string } | { visitor: string } | { email: string };

export interface ConversionResult {
  lead: string;
  convertedAt: number;
  conversionValue: number | null;
  conversions: number;
}

function findLead(db: D1Database, siteId: string, t: ConversionTarget) {
  if ("lead" in t) return leadIdBy.id(db, siteId, t.lead);
  if ("email" in t) return leadIdBy.email(db, siteId, t.email);
  return leadIdBy.visitor(db, siteId, t.visitor);
}

/** null when the lead is unknown (or another site's). */
export async function recordConversion(
  db: D1Database,
  siteId: string,
  target: ConversionTarget,
  value: number | null,
  ts: number,
): Promise<ConversionResult | null> {
  const found = await findLead(db, siteId, target).first<{ id: string }>();
  if (!found) return null;
  const [, upd, cnt] = await db.batch([
    // Both writes check the lead still exists (an erase may run in between).
    insertConversion(db, siteId, found.id, value, ts),
    markConverted(db, siteId, found.id, value, ts),
    conversionCount(db, siteId, found.id),
  ]);
  const row = rowsOf<ConvertedRow>(upd)[0];
  if (!row) return null;
  return { lead: found.id, convertedAt: row.converted_at, conversionValue: row.conversion_value, conversions: rowsOf<{ n: number }>(cnt)[0]!.n };
}
