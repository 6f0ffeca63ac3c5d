// The baseline for `npm run bench`: the least a collect endpoint on this stack
// can do (and, with MODE=floor, the least a lead-scoring one can: see --floor). It reads the body, validates it with the same schema as EdgeScore and
// inserts the events in one D1 statement. No site lookup, no lead, no session,
// no scoring, no dedup bookkeeping beyond the primary key. EdgeScore's events/s
// divided by this one's is the figure to improve.
import { collectSchema } from "../../worker/ingest/schema";
import "../../worker/lib/zod";

interface Env {
  DB: D1Database;
  /** "floor": also keep a lead row and one score row per visitor (bench --floor). */
  MODE?: string;
}

// The floor's score state: about the size of the 50-rule model's engine state for these visits.
const STATE = JSON.stringify({ rules: Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, hits: 0, pts: 0 })) });

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    if (req.method !== "POST") return new Response("baseline", { status: 200 });
    let body: unknown;
    try {
      body = JSON.parse(await req.text());
    } catch {
      return Response.json({ error: "bad json" }, { status: 400 });
    }
    const r = collectSchema.safeParse(body);
    if (!r.success) return Response.json({ error: "invalid" }, { status: 400 });
    const now = Date.now();
    const insert = env.DB.prepare(
      `INSERT OR IGNORE INTO events (site_id, id, lead_id, n, visitor_id, session_id, type, name, ts, url, path, ref, title, props, received_at)
       SELECT 'baseline', e->>'$.id', ?1, k, ?1, ?2, e->>'$.type', e->>'$.name', e->>'$.ts', e->>'$.url', NULL, e->>'$.ref', e->>'$.title', e->'$.props', ?3
       FROM (SELECT key AS k, value AS e FROM json_each(?4))`,
    )
      .bind(r.data.visitor, r.data.session ?? null, now, JSON.stringify(r.data.events));
    // The floor of any lead-scoring collect: the events, the lead row (counts, seen times,
    // version) and its score row (state and score), in one transaction. Nothing read, nothing decided.
    const floor =
      env.MODE === "floor"
        ? [
            env.DB.prepare(
              `INSERT INTO leads (id, site_id, first_seen, last_seen, event_count) VALUES (?1, 'baseline', ?2, ?2, ?3)
               ON CONFLICT (id) DO UPDATE SET last_seen = excluded.last_seen, event_count = event_count + excluded.event_count, version = version + 1`,
            ).bind(r.data.visitor, now, r.data.events.length),
            env.DB.prepare(
              `INSERT INTO lead_scores (lead_id, model, site_id, model_version, score, fit, interest, tier, code, readiness, state, scored_at)
               VALUES (?1, 'm', 'baseline', 1, ?2, 0, ?2, 'cold', 0, 0, ?3, ?4)
               ON CONFLICT (lead_id, model) DO UPDATE SET score = excluded.score, interest = excluded.interest, state = excluded.state, scored_at = excluded.scored_at`,
            ).bind(r.data.visitor, r.data.events.length, STATE, now),
          ]
        : [];
    const all = floor.length ? await env.DB.batch([insert, ...floor]) : [await insert.run()];
    const res = { meta: { ...all[all.length - 1]!.meta, changes: all[0]!.meta.changes, rows_read: all.reduce((a, x) => a + (x.meta.rows_read ?? 0), 0), rows_written: all.reduce((a, x) => a + (x.meta.rows_written ?? 0), 0), duration: all.reduce((a, x) => a + (x.meta.duration ?? 0), 0) } };
    const stats = `rt=1; read=${res.meta.rows_read ?? 0}; written=${res.meta.rows_written ?? 0}; attempts=1; d1ms=${res.meta.duration ?? 0}; size=${res.meta.size_after ?? 0}`;
    return Response.json({ accepted: res.meta.changes ?? 0, duplicates: r.data.events.length - (res.meta.changes ?? 0) }, { headers: { "X-EdgeScore-D1": stats } });
  },
};
