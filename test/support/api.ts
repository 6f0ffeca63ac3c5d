// Helpers for worker tests: they call the real Worker (exports.default.fetch)
// inside workerd, against the real local D1 with the real migrations applied.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";

export const ORIGIN = "https://shop.example";
export const OPERATOR = "test-admin-token";

export interface Keys {
  id: string;
  publicKey: string;
  secretKey: string;
  webhookSecret: string;
  /** Signs identify calls (HMAC-SHA256 of the lower-cased email). */
  identitySecret: string;
}

/**
 * Calls the Worker's fetch handler directly (the same module `wrangler dev`
 * runs), then waits for its waitUntil work, as the runtime would finish it.
 * Direct calls, because the pool's loopback `exports.default.fetch` costs
 * ~100 ms a call and grows with every call, which a load test cannot afford.
 */
export async function call(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://edgescore.test${path}`, init), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/**
 * A new site, pinned to shard 0 unless `extra.shard` says otherwise (or is
 * `null`: placed by the worker), so tests can read its rows through `env.DB`;
 * test/worker/shards.test.ts covers sites on the other shard.
 */
export async function createSite(origins = [ORIGIN], extra: Record<string, unknown> = {}): Promise<Keys> {
  const { shard = 0, ...rest } = extra;
  const res = await call("/v1/admin/sites", {
    method: "POST",
    headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "Test shop", origins, ...rest, ...(shard === null ? {} : { shard }) }),
  });
  if (res.status !== 201) throw new Error(`createSite: ${res.status} ${await res.text()}`);
  return res.json();
}

let n = 0;
export const uid = (p = "e") => `${p}-${Date.now().toString(36)}-${(n++).toString(36)}`;

export function event(type: string, extra: Record<string, unknown> = {}) {
  return { id: uid(), type, ts: Date.now(), url: "https://shop.example/", ...extra };
}

/** A beacon exactly as the snippet sends it: JSON in a text/plain body. */
export function collect(body: unknown, opts: { origin?: string | null; contentType?: string } = {}) {
  const headers: Record<string, string> = { "content-type": opts.contentType ?? "text/plain;charset=UTF-8" };
  const origin = opts.origin === undefined ? ORIGIN : opts.origin;
  if (origin) headers.origin = origin;
  return call("/v1/collect", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

export function admin(path: string, key: string, init: { method?: string; body?: unknown } = {}) {
  return call(`/v1/admin${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
}

export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (await env.DB.prepare(sql).bind(...params).all<T>()).results;
}

export async function countRows(table: string, where = "1", ...params: unknown[]): Promise<number> {
  const r = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${where}`).bind(...params).first<{ n: number }>();
  return r!.n;
}
