import { Hono } from "hono";
import type { Bindings } from "./env";

const app = new Hono<{ Bindings: Bindings }>();
app.get("/v1/ping", async (c) => {
  const r = await c.env.DB.prepare("select count(*) as n from sites").first<{ n: number }>();
  return c.json({ ok: true, sites: r?.n });
});
export default app;
