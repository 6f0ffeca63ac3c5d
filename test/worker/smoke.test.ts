import { exports } from "cloudflare:workers";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";

it("pings", async () => {
  const res = await exports.default.fetch("http://x/v1/ping");
  expect(await res.json()).toEqual({ ok: true, sites: 0 });
  const r = await env.DB.batch([
    env.DB.prepare("insert into sites (id,name,public_key,secret_hash,webhook_secret,origins,created_at) values ('a','a','pk','h','w','[]',1)"),
    env.DB.prepare("select json(CASE WHEN changes() = 1 THEN '1' ELSE 'conflict' END) as ok"),
  ]);
  expect(r[0]!.meta.rows_written).toBeGreaterThan(0);
  console.log(JSON.stringify(r.map((x) => x.meta)));
  await expect(env.DB.batch([
    env.DB.prepare("insert into sites (id,name,public_key,secret_hash,webhook_secret,origins,created_at) values ('b','a','pk2','h','w','[]',1)"),
    env.DB.prepare("select json('conflict') as ok"),
  ])).rejects.toThrow(/malformed JSON/);
  const n = await env.DB.prepare("select count(*) as n, pow(2, 0.5) as p from sites").first();
  console.log(n);
});
