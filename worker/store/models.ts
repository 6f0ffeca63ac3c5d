// Scoring models and their kept versions. A PUT stores a new version and
// starts rescoring: the model row carries the walk's cursor ('' = from the
// first lead, null = done) and its progress.
import type { ModelTableRow, ModelVersionRow } from "./rows";

export async function modelRows(db: D1Database, siteId: string): Promise<ModelTableRow[]> {
  const res = await db
    .prepare(
      `SELECT site_id, name, version, position, document, created_at, updated_at, rescore_cursor, rescore_done, rescore_total
       FROM models WHERE site_id = ?1 ORDER BY position`,
    )
    .bind(siteId)
    .all<ModelTableRow>();
  return res.results;
}

/** The site's primary model (the lowest position), as ingest's ModelRow. */
export const primaryModel = (db: D1Database, siteId: string) =>
  db.prepare("SELECT name, version, position, document FROM models WHERE site_id = ?1 ORDER BY position LIMIT 1").bind(siteId);

export const modelDocument = (db: D1Database, siteId: string, name: string) =>
  db.prepare("SELECT document FROM models WHERE site_id = ?1 AND name = ?2").bind(siteId, name).first<Pick<ModelTableRow, "document">>();

/**
 * A new model at the last position, or a new version of an existing one; either
 * way its rescoring starts over, over the site's current leads.
 */
export const upsertModel = (db: D1Database, siteId: string, name: string, document: string, now: number) =>
  db
    .prepare(
      `INSERT INTO models (site_id, name, version, position, document, created_at, updated_at, rescore_cursor, rescore_done, rescore_total)
       VALUES (?1, ?2, 1, (SELECT coalesce(max(position) + 1, 0) FROM models WHERE site_id = ?1), ?3, ?4, ?4, '', 0,
               (SELECT count(*) FROM leads WHERE site_id = ?1))
       ON CONFLICT (site_id, name) DO UPDATE SET version = version + 1, document = excluded.document, updated_at = excluded.updated_at,
         rescore_cursor = '', rescore_done = 0, rescore_total = excluded.rescore_total`,
    )
    .bind(siteId, name, document, now);

/** Keeps the model's current version (runs after upsertModel, in its batch). */
export const keepVersion = (db: D1Database, siteId: string, name: string, now: number) =>
  db
    .prepare(
      `INSERT INTO model_versions (site_id, name, version, document, created_at)
       SELECT site_id, name, version, document, ?3 FROM models WHERE site_id = ?1 AND name = ?2`,
    )
    .bind(siteId, name, now);

/** Returns the model's name when it existed. */
export const deleteModelRow = (db: D1Database, siteId: string, name: string) =>
  db.prepare("DELETE FROM models WHERE site_id = ?1 AND name = ?2 RETURNING name").bind(siteId, name);

export interface VersionDate {
  version: ModelVersionRow["version"];
  createdAt: ModelVersionRow["created_at"];
}

export async function versionDates(db: D1Database, siteId: string, name: string): Promise<VersionDate[]> {
  const res = await db
    .prepare("SELECT version, created_at AS createdAt FROM model_versions WHERE site_id = ?1 AND name = ?2 ORDER BY version")
    .bind(siteId, name)
    .all<VersionDate>();
  return res.results;
}

// ---- rescoring ----

/** A model whose rescoring is running. */
export type RescoringModel = Pick<ModelTableRow, "site_id" | "name" | "version" | "document"> & { rescore_cursor: string };

export const rescoringModel = (db: D1Database, siteId: string, name: string) =>
  db.prepare("SELECT site_id, name, version, document, rescore_cursor FROM models WHERE site_id = ?1 AND name = ?2 AND rescore_cursor IS NOT NULL").bind(siteId, name);

/** Moves the walk past `cursor`, only for the version it rescored (a newer PUT restarts it). */
export const advanceRescore = (db: D1Database, siteId: string, name: string, version: number, cursor: string, done: number) =>
  db
    .prepare("UPDATE models SET rescore_cursor = ?3, rescore_done = rescore_done + ?4 WHERE site_id = ?1 AND name = ?2 AND version = ?5")
    .bind(siteId, name, cursor, done, version);

export const finishRescore = (db: D1Database, siteId: string, name: string, version: number) =>
  db.prepare("UPDATE models SET rescore_cursor = NULL WHERE site_id = ?1 AND name = ?2 AND version = ?3").bind(siteId, name, version);

/** Up to 100 models with rescoring to do, the longest waiting first. */
export async function modelsToRescore(db: D1Database): Promise<Pick<ModelTableRow, "site_id" | "name">[]> {
  const res = await db.prepare("SELECT site_id, name FROM models WHERE rescore_cursor IS NOT NULL ORDER BY updated_at LIMIT 100").all<Pick<ModelTableRow, "site_id" | "name">>();
  return res.results;
}
