// Scoring models of a site (SPEC §3, §4): stored as the document the user PUT,
// with a version that increases on every PUT and a row per version kept.
import type { models } from "../../db/schema";
import { promoSql } from "../promos/promos";
import type { Promo } from "../scoring/model";

export interface ModelInfo {
  name: string;
  version: number;
  primary: boolean;
  createdAt: number;
  updatedAt: number;
  rescore: { status: "running" | "done"; done: number; total: number };
}

type Row = typeof models.$inferSelect;

function info(r: Row, primaryName: string | undefined): ModelInfo {
  return {
    name: r.name,
    version: r.version,
    primary: r.name === primaryName,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    rescore: { status: r.rescoreCursor === null ? "done" : "running", done: r.rescoreDone, total: r.rescoreTotal },
  };
}

export async function listModels(d1: D1Database, siteId: string): Promise<(ModelInfo & { document: unknown })[]> {
  const res = await d1
    .prepare(
      `SELECT site_id AS siteId, name, version, position, document, created_at AS createdAt, updated_at AS updatedAt,
              rescore_cursor AS rescoreCursor, rescore_done AS rescoreDone, rescore_total AS rescoreTotal
       FROM models WHERE site_id = ?1 ORDER BY position`,
    )
    .bind(siteId)
    .all<Omit<Row, "document"> & { document: string }>();
  const rows: Row[] = res.results.map((r) => ({ ...r, document: JSON.parse(r.document) as unknown }));
  return rows.map((r) => ({ ...info(r, rows[0]?.name), document: r.document }));
}

export async function getModel(d1: D1Database, siteId: string, name: string) {
  return (await listModels(d1, siteId)).find((m) => m.name === name) ?? null;
}

/**
 * Stores a new version and starts rescoring: the cursor '' means "from the first
 * lead"; the cron (and the request's waitUntil) walk it to the end.
 */
export async function putModel(d1: D1Database, siteId: string, name: string, document: unknown, now: number, promos: Promo[] = []): Promise<ModelInfo> {
  const doc = JSON.stringify(document);
  await d1.batch([
    // The model's promo codes become available; codes already held stay with their leads.
    ...promos.map((p) => promoSql.addCodes(d1, siteId, name, p.id, p.codes)),
    d1
      .prepare(
        `INSERT INTO models (site_id, name, version, position, document, created_at, updated_at, rescore_cursor, rescore_done, rescore_total)
         VALUES (?1, ?2, 1, (SELECT coalesce(max(position) + 1, 0) FROM models WHERE site_id = ?1), ?3, ?4, ?4, '', 0,
                 (SELECT count(*) FROM leads WHERE site_id = ?1))
         ON CONFLICT (site_id, name) DO UPDATE SET version = version + 1, document = excluded.document, updated_at = excluded.updated_at,
           rescore_cursor = '', rescore_done = 0, rescore_total = excluded.rescore_total`,
      )
      .bind(siteId, name, doc, now),
    d1
      .prepare(
        `INSERT INTO model_versions (site_id, name, version, document, created_at)
         SELECT site_id, name, version, document, ?3 FROM models WHERE site_id = ?1 AND name = ?2`,
      )
      .bind(siteId, name, now),
  ]);
  const m = await getModel(d1, siteId, name);
  if (!m) throw new Error("model vanished after PUT");
  return m;
}

/** Deletes a model and the scores and unassigned codes it produced; alerts already sent stay. */
export async function deleteModel(d1: D1Database, siteId: string, name: string): Promise<boolean> {
  const [del] = await d1.batch([
    d1.prepare("DELETE FROM models WHERE site_id = ?1 AND name = ?2 RETURNING name").bind(siteId, name),
    d1.prepare("DELETE FROM lead_scores WHERE site_id = ?1 AND model = ?2").bind(siteId, name),
    d1.prepare("DELETE FROM promo_codes WHERE site_id = ?1 AND model = ?2").bind(siteId, name),
  ]);
  return del!.results.length > 0;
}

export async function modelHistory(d1: D1Database, siteId: string, name: string) {
  const res = await d1
    .prepare("SELECT version, created_at AS createdAt FROM model_versions WHERE site_id = ?1 AND name = ?2 ORDER BY version")
    .bind(siteId, name)
    .all<{ version: number; createdAt: number }>();
  return res.results;
}

// The answers of routes/models.ts, which builds them from the functions above.
/** GET /v1/admin/models: every model without its document. */
export interface ModelList {
  models: ModelInfo[];
}
/** GET /v1/admin/models/:name: the model, its document and every version's date. */
export type ModelDetail = NonNullable<Awaited<ReturnType<typeof getModel>>> & { versions: Awaited<ReturnType<typeof modelHistory>> };
