// The baseline for `npm run bench`: the least a collect endpoint on this stack
// can do. It reads the body, validates it with the same schema as EdgeScore and
// inserts the events in one D1 statement. No site lookup, no lead, no session,
// no scoring, no dedup bookkeeping beyond the primary key. EdgeScore's events/s
// divided by this one's is the figure to improve.
import { collectSchema } from "../../worker/ingest/schema";
import "../../worker/lib/zod";

interface Env {
  DB: D1Database;
}

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
    const res = await env.DB.prepare(
      `INSERT OR IGNORE INTO events (site_id, id, lead_id, n, visitor_id, session_id, type, name, ts, url, path, ref, title, props, received_at)
       SELECT 'baseline', e->>'$.id', ?1, k, ?1, ?2, e->>'$.type', e->>'$.name', e->>'$.ts', e->>'$.url', NULL, e->>'$.ref', e->>'$.title', e->'$.props', ?3
       FROM (SELECT key AS k, value AS e FROM json_each(?4))`,
    )
      .bind(r.data.visitor, r.data.session ?? null, now, JSON.stringify(r.data.events))
      .run();
    const stats = `rt=1; read=${res.meta.rows_read ?? 0}; written=${res.meta.rows_written ?? 0}; attempts=1; d1ms=${res.meta.duration ?? 0}; size=${res.meta.size_after ?? 0}`;
    return Response.json({ accepted: res.meta.changes ?? 0, duplicates: r.data.events.length - (res.meta.changes ?? 0) }, { headers: { "X-EdgeScore-D1": stats } });
  },
};
