// The site's vocabulary for the model editor's pickers (GET /v1/admin/vocabulary):
// what event types, event names, paths and trait keys/values its recent leads show,
// most frequent first. Bounded: a window of recent leads and events, top `limit` each.
import { vocabularyRows } from "../store/vocabulary";

export const VOCABULARY_LEADS = 500;
export const VOCABULARY_EVENTS = 20_000;
export const VOCABULARY_LIMIT = 20;
export const VOCABULARY_MAX_LIMIT = 100;

export type Counted<T> = { value: T; count: number };

export interface Vocabulary {
  /** How much was looked at: the most recently seen leads and their events, up to the bounds. */
  window: { leads: number; events: number };
  eventTypes: Counted<string>[];
  eventNames: (Counted<string> & { type: string })[];
  paths: Counted<string>[];
  traits: { key: string; count: number; values: Counted<string | number | boolean>[] }[];
}

function traitValue(v: string, t: string | null): string | number | boolean {
  if (t === "true" || t === "false") return t === "true";
  if (t === "integer" || t === "real") return Number(v);
  return v;
}

export async function siteVocabulary(db: D1Database, siteId: string, limit = VOCABULARY_LIMIT): Promise<Vocabulary> {
  const { results } = await vocabularyRows(db, siteId, { leads: VOCABULARY_LEADS, events: VOCABULARY_EVENTS, limit });
  const out: Vocabulary = { window: { leads: 0, events: 0 }, eventTypes: [], eventNames: [], paths: [], traits: [] };
  const values = new Map<string, Counted<string | number | boolean>[]>();
  for (const r of results) {
    if (r.kind === "leads" || r.kind === "events") out.window[r.kind] = r.n;
    else if (r.v === null) continue;
    else if (r.kind === "type") out.eventTypes.push({ value: r.v, count: r.n });
    else if (r.kind === "name") out.eventNames.push({ type: r.k ?? "", value: r.v, count: r.n });
    else if (r.kind === "path") out.paths.push({ value: r.v, count: r.n });
    else if (r.kind === "trait") out.traits.push({ key: r.v, count: r.n, values: [] });
    else if (r.kind === "value" && r.k !== null) {
      const list = values.get(r.k) ?? [];
      list.push({ value: traitValue(r.v, r.t), count: r.n });
      values.set(r.k, list);
    }
  }
  const byCount = <T extends { count: number }>(a: T[], key: (x: T) => string) => a.sort((x, y) => y.count - x.count || (key(x) < key(y) ? -1 : 1));
  byCount(out.eventTypes, (x) => x.value);
  byCount(out.eventNames, (x) => x.type + "\u0000" + x.value);
  byCount(out.paths, (x) => x.value);
  byCount(out.traits, (x) => x.key);
  for (const t of out.traits) t.values = byCount(values.get(t.key) ?? [], (x) => String(x.value));
  return out;
}
