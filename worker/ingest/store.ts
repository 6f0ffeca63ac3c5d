// Transitional: the ingest path's SQL now lives in worker/store/ (leads/, events/,
// scores/ and the guard). These names keep the modules that imported them from
// here compiling until they import the store directly.
export { guard, type GuardSpec } from "../store/leads/guard";
export type { LeadRow } from "../store/leads/ingest";
export type { EventRow } from "../store/events/ingest";
export type { ModelRow, ScoreRow } from "../store/scores/ingest";
export { scoreRowOf as scoreWrite } from "./plan";
import { upsertScores } from "../store/scores/ingest";

/** The text of the error a failed guard raises (rescoring still matches it; ingest uses WriteConflict). */
export const CONFLICT_MARK = "malformed JSON";
export const writes = { upsertScores };
