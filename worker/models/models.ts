// Scoring models of a site (SPEC §3, §4): stored as the document the user PUT,
// with a version that increases on every PUT and a row per version kept.
import type { Promo } from "../scoring/model";
import * as store from "../store/models";
import { deleteModelCodes, promoSql } from "../store/promos";
import type { ModelTableRow } from "../store/rows";
import { deleteModelScores } from "../store/scores/queries";

export interface ModelInfo {
  name: string;
  version: number;
  primary: boolean;
  createdAt: number;
  updatedAt: number;
  rescore: { status: "running" | "done"; done: number; total: number };
}

function info(r: ModelTableRow, primaryName: string | undefined): ModelInfo {
  return {
    name: r.name,
    version: r.version,
    primary: r.name === primaryName,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    rescore: { status: r.rescore_cursor === null ? "done" : "running", done: r.rescore_done, total: r.rescore_total },
  };
}

export async function listModels(d1: D1Database, siteId: string): Promise<(ModelInfo & { document: unknown })[]> {
  const rows = await store.modelRows(d1, siteId);
  return rows.map((r) => ({ ...info(r, rows[0]?.name), document: JSON.parse(r.document) as unknown }));
}

export async function getModel(d1: D1Database, siteId: string, name: string) {
  return (await listModels(d1, siteId)).find((m) => m.name === name) ?? null;
}

/**
 * Stores a new version and starts rescoring: the cursor '' means "from the first
 * lead"; the cron (and the request's waitUntil) walk it to the end.
 */
export async function putModel(d1: D1Database, siteId: string, name: string, document: unknown, now: number, promos: Promo[] = []): Promise<ModelInfo> {
  await d1.batch([
    // The model's promo codes become available; codes already held stay with their leads.
    ...promos.map((p) => promoSql.addCodes(d1, siteId, name, p.id, p.codes)),
    store.upsertModel(d1, siteId, name, JSON.stringify(document), now),
    store.keepVersion(d1, siteId, name, now),
  ]);
  const m = await getModel(d1, siteId, name);
  if (!m) throw new Error("model vanished after PUT");
  return m;
}

/** Deletes a model and the scores and unassigned codes it produced; alerts already sent stay. */
export async function deleteModel(d1: D1Database, siteId: string, name: string): Promise<boolean> {
  const [del] = await d1.batch([store.deleteModelRow(d1, siteId, name), deleteModelScores(d1, siteId, name), deleteModelCodes(d1, siteId, name)]);
  return del!.results.length > 0;
}

export async function modelHistory(d1: D1Database, siteId: string, name: string) {
  return store.versionDates(d1, siteId, name);
}

// The answers of routes/models.ts, which builds them from the functions above.
/** GET /v1/admin/models: every model without its document. */
export interface ModelList {
  models: ModelInfo[];
}
/** GET /v1/admin/models/:name: the model, its document and every version's date. */
export type ModelDetail = NonNullable<Awaited<ReturnType<typeof getModel>>> & { versions: Awaited<ReturnType<typeof modelHistory>> };
