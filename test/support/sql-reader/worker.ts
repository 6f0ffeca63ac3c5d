// The browser tests' SQL reader (see wrangler.toml here): POST a query, get its rows.
interface Env {
  DB: D1Database;
}

export default {
  async fetch(req: Request, env: Env): Promise<Response> {
    if (req.method !== "POST") return new Response("sql reader", { status: 200 });
    try {
      const { results } = await env.DB.prepare(await req.text()).all();
      return Response.json(results);
    } catch (e) {
      return Response.json({ error: String(e) }, { status: 400 });
    }
  },
};
