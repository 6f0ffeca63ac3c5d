/**
 * Conversions (SPEC §3 `POST /v1/admin/conversions`): one row per conversion in `conversions`,
 * and on the lead `converted_at` = the first conversion's time and `conversion_value` = the sum
 * of the values given. A repeated conversion adds a row and its value but never changes the
 * "converted" status or its first time (the report counts leads, not conversions).
 */

export type ConversionTarget = { lead: string } | { visitor: string } | { email: string };

export interface ConversionResult {
  lead: string;
  convertedAt: number;
  conversionValue: number | null;
  conversions: number;
}

function findLead(db: D1Database, siteId: string, t: ConversionTarget) {
  if ("lead" in t) return db.prepare("SELECT id FROM leads WHERE id = ?1 AND site_id = ?2").bind(t.lead, siteId);
  if ("email" in t) return db.prepare("SELECT id FROM leads WHERE site_id = ?1 AND email = ?2").bind(siteId, t.email);
  return db.prepare("SELECT lead_id AS id FROM visitors WHERE site_id = ?1 AND id = ?2").bind(siteId, t.visitor);
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
    // Both statements check the lead still exists (an erase may run in between).
    db
      .prepare("INSERT INTO conversions (site_id, lead_id, value, ts) SELECT site_id, id, ?3, ?4 FROM leads WHERE id = ?1 AND site_id = ?2")
      .bind(found.id, siteId, value, ts),
    db
      .prepare(
        `UPDATE leads SET converted_at = min(coalesce(converted_at, ?4), ?4),
           conversion_value = CASE WHEN ?3 IS NULL THEN conversion_value ELSE coalesce(conversion_value, 0) + ?3 END
         WHERE id = ?1 AND site_id = ?2 RETURNING converted_at, conversion_value`,
      )
      .bind(found.id, siteId, value, ts),
    db.prepare("SELECT count(*) AS n FROM conversions WHERE lead_id = ?1 AND site_id = ?2").bind(found.id, siteId),
  ]);
  const row = upd!.results[0] as { converted_at: number; conversion_value: number | null } | undefined;
  if (!row) return null;
  return { lead: found.id, convertedAt: row.converted_at, conversionValue: row.conversion_value, conversions: (cnt!.results[0] as { n: number }).n };
}
