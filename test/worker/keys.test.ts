// Finding 9: keys could not be rotated. POST /v1/admin/keys/rotate replaces the secret
// key (old one refused at once, every dashboard session ended), the webhook secret
// (the old one stays valid for a grace period) or the identity secret; GET
// /v1/admin/keys reads back what the owner may read. Then the dashboard's Keys page.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../worker/lib/crypto";
import { currentIdentitySecret, siteByPublicKey } from "../../worker/sites/sites";
import { admin, call, countRows, createSite, OPERATOR, rows, type Keys } from "../support/api";

const HOST = "https://edgescore.test";
const HOUR = 3600_000;

const rotate = (key: string, body: unknown) => admin("/keys/rotate", key, { method: "POST", body });

function form(path: string, fields: Record<string, string>, cookie?: string) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", origin: HOST };
  if (cookie) headers.cookie = cookie;
  return call(path, { method: "POST", headers, body: new URLSearchParams(fields).toString(), redirect: "manual" });
}

const get = (path: string, cookie?: string) => call(path, { headers: cookie ? { cookie } : {}, redirect: "manual" });

async function login(key: string): Promise<string> {
  const res = await form("/dashboard/login", { key });
  expect(res.status).toBe(303);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;

async function siteRow(id: string) {
  const [r] = await rows<{ secret_hash: string; webhook_secret: string; webhook_secret_prev: string | null; webhook_secret_prev_until: number | null; identity_secret: string }>(
    "SELECT secret_hash, webhook_secret, webhook_secret_prev, webhook_secret_prev_until, identity_secret FROM sites WHERE id = ?1",
    id,
  );
  return r!;
}

type Created = Keys & { identitySecret: string };

describe("finding 9: POST /v1/admin/keys/rotate", () => {
  it("finding 9: rotating the secret key: the old key is 401 at once, the new one works, every dashboard session is gone", async () => {
    const keys = (await createSite()) as Created;
    const cookies = [await login(keys.secretKey), await login(keys.secretKey)];
    expect(await countRows("dashboard_sessions", "site_id = ?1", keys.id)).toBe(2);

    const res = await rotate(keys.secretKey, { key: "secret" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["secretKey"]);
    expect(body.secretKey).toMatch(new RegExp(`^sk_${keys.id}_[A-Za-z0-9_-]{43}$`));
    expect(body.secretKey).not.toBe(keys.secretKey);

    expect((await admin("/keys", keys.secretKey)).status).toBe(401);
    expect((await admin("/keys", body.secretKey!)).status).toBe(200);
    // Only the hash is stored.
    const row = await siteRow(keys.id);
    expect(row.secret_hash).toBe(await sha256Hex(body.secretKey!));
    expect(JSON.stringify(await rows("SELECT * FROM sites WHERE id = ?1", keys.id))).not.toContain(body.secretKey);
    // Every dashboard session ended; the old key no longer signs in, the new one does.
    expect(await countRows("dashboard_sessions", "site_id = ?1", keys.id)).toBe(0);
    for (const cookie of cookies) {
      const r = await get("/dashboard/", cookie);
      expect(r.status).toBe(303);
      expect(r.headers.get("location")).toMatch(/^\/dashboard\/login/);
    }
    expect((await form("/dashboard/login", { key: keys.secretKey })).status).toBe(401);
    await login(body.secretKey!);
  });

  it("finding 9: rotating the webhook secret keeps the old one as the previous secret until the grace ends", async () => {
    const keys = (await createSite()) as Created;
    const t0 = Date.now();
    const r1 = await rotate(keys.secretKey, { key: "webhook", graceHours: 2 });
    expect(r1.status).toBe(200);
    const b1 = (await r1.json()) as { webhookSecret: string; previousValidUntil: number };
    expect(b1.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(b1.previousValidUntil).toBeGreaterThanOrEqual(t0 + 2 * HOUR);
    expect(b1.previousValidUntil).toBeLessThanOrEqual(Date.now() + 2 * HOUR);
    let row = await siteRow(keys.id);
    expect(row.webhook_secret).toBe(b1.webhookSecret);
    expect(row.webhook_secret_prev).toBe(keys.webhookSecret);
    expect(row.webhook_secret_prev_until).toBe(b1.previousValidUntil);
    const info = (await (await admin("/keys", keys.secretKey)).json()) as { webhookSecretRotatedUntil: number | null };
    expect(info.webhookSecretRotatedUntil).toBe(b1.previousValidUntil);

    // A second rotation during the grace: prev becomes the then-current secret; default grace 24 h.
    const b2 = (await (await rotate(keys.secretKey, { key: "webhook" })).json()) as { webhookSecret: string; previousValidUntil: number };
    row = await siteRow(keys.id);
    expect(row.webhook_secret).toBe(b2.webhookSecret);
    expect(row.webhook_secret_prev).toBe(b1.webhookSecret);
    expect(b2.previousValidUntil - Date.now()).toBeGreaterThan(24 * HOUR - 60_000);
    expect(b2.previousValidUntil - Date.now()).toBeLessThanOrEqual(24 * HOUR);

    // No grace: the previous secret's window is already over.
    const b3 = (await (await rotate(keys.secretKey, { key: "webhook", graceHours: 0 })).json()) as { previousValidUntil: number };
    expect(b3.previousValidUntil).toBeLessThanOrEqual(Date.now());
    expect(((await (await admin("/keys", keys.secretKey)).json()) as { webhookSecretRotatedUntil: number | null }).webhookSecretRotatedUntil).toBeNull();
  });

  it("finding 9: rotating the identity secret replaces it at once, in this isolate's site cache too", async () => {
    const keys = (await createSite()) as Created;
    expect(keys.identitySecret).toMatch(/^idsec_/);
    // The public-key cache (read by every collect) holds the site with its identity secret.
    expect((await siteByPublicKey(env.DB, keys.publicKey, Date.now()))!.identitySecret).toBe(keys.identitySecret);
    const res = await rotate(keys.secretKey, { key: "identity" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body)).toEqual(["identitySecret"]);
    expect(body.identitySecret).toMatch(/^idsec_[A-Za-z0-9_-]{43}$/);
    expect(body.identitySecret).not.toBe(keys.identitySecret);
    expect((await siteRow(keys.id)).identity_secret).toBe(body.identitySecret);
    expect((await siteByPublicKey(env.DB, keys.publicKey, Date.now()))!.identitySecret).toBe(body.identitySecret);
    // Other isolates' caches may hold the old secret for up to 30 s; the uncached read never does.
    expect(await currentIdentitySecret(env.DB, keys.id)).toBe(body.identitySecret);
    const info = (await (await admin("/keys", keys.secretKey)).json()) as { identitySecret: string };
    expect(info.identitySecret).toBe(body.identitySecret);
    // The other keys are untouched.
    expect((await admin("/keys", keys.secretKey)).status).toBe(200);
    expect((await siteRow(keys.id)).webhook_secret).toBe(keys.webhookSecret);
  });

  it("finding 9: GET /v1/admin/keys returns the public key and identity secret, never the secret key or webhook secret", async () => {
    const keys = (await createSite()) as Created;
    const res = await admin("/keys", keys.secretKey);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ publicKey: keys.publicKey, identitySecret: keys.identitySecret, webhookSecretRotatedUntil: null });
    expect(text).not.toContain(keys.secretKey);
    expect(text).not.toContain(keys.webhookSecret);
  });

  it("finding 9: an invalid rotation is a 400 listing each problem with its path, and changes nothing", async () => {
    const keys = (await createSite()) as Created;
    const before = await siteRow(keys.id);
    for (const [body, paths] of [
      [{}, ["key"]],
      [{ key: "public" }, ["key"]],
      [{ key: "webhook", graceHours: 169 }, ["graceHours"]],
      [{ key: "webhook", graceHours: -1 }, ["graceHours"]],
      [{ key: "webhook", graceHours: 1.5 }, ["graceHours"]],
      [{ key: "webhook", graceHours: "24" }, ["graceHours"]],
      [{ key: "secret", graceHours: 24 }, ["graceHours"]],
      [{ key: "identity", graceHours: 1 }, ["graceHours"]],
      [{ key: 7, graceHours: 500 }, ["graceHours", "key"]],
      [[], [""]],
    ] as [unknown, string[]][]) {
      const res = await rotate(keys.secretKey, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = ((await res.json()) as { error: { code: string; issues: { path: string; message: string }[] } }).error;
      expect(err.code).toBe("invalid_request");
      expect(err.issues.map((i) => i.path).sort(), JSON.stringify(body)).toEqual(paths);
    }
    // An unknown field (a typo such as "grace") is refused, not ignored.
    const typo = await rotate(keys.secretKey, { key: "webhook", grace: 1 });
    expect(typo.status).toBe(400);
    expect(JSON.stringify(await typo.json())).toContain("grace");
    const notJson = await call("/v1/admin/keys/rotate", { method: "POST", headers: { authorization: `Bearer ${keys.secretKey}` }, body: "{key" });
    expect(notJson.status).toBe(400);
    expect(await siteRow(keys.id)).toEqual(before);
  });

  it("finding 9: the public key, the operator token, another site's key and no key cannot read or rotate keys", async () => {
    const keys = (await createSite()) as Created;
    const other = await createSite();
    const before = await siteRow(keys.id);
    for (const key of [keys.publicKey, OPERATOR, keys.webhookSecret, keys.identitySecret]) {
      expect((await rotate(key, { key: "secret" })).status).toBe(401);
      expect((await admin("/keys", key)).status).toBe(401);
    }
    expect((await call("/v1/admin/keys/rotate", { method: "POST", body: JSON.stringify({ key: "secret" }) })).status).toBe(401);
    expect(await siteRow(keys.id)).toEqual(before);
    // Another site's key rotates that site only.
    expect((await rotate(other.secretKey, { key: "identity" })).status).toBe(200);
    expect(await siteRow(keys.id)).toEqual(before);
  });
});

describe("finding 9: the dashboard's Keys page", () => {
  it("rotates the webhook and identity secrets after a confirm step and shows the new value once", async () => {
    const keys = (await createSite()) as Created;
    const cookie = await login(keys.secretKey);
    const page = await get("/dashboard/keys", cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(keys.publicKey);
    expect(html).toContain(`value="${keys.identitySecret}"`);
    expect(html).not.toContain(keys.secretKey);
    expect(html).not.toContain(keys.webhookSecret);
    const token = csrfOf(html);

    // Step 1: a confirm page, nothing rotated yet.
    const confirm = await form("/dashboard/keys/rotate", { _csrf: token, key: "webhook", graceHours: "6" }, cookie);
    expect(confirm.status).toBe(200);
    const ch = await confirm.text();
    expect(ch).toContain("Rotate the webhook secret?");
    expect(ch).toContain('name="confirm" value="yes"');
    expect(ch).toContain('name="graceHours" value="6"');
    expect((await siteRow(keys.id)).webhook_secret).toBe(keys.webhookSecret);

    // Step 2: rotated; the new value is on the page, with what to do next.
    const done = await form("/dashboard/keys/rotate", { _csrf: token, key: "webhook", graceHours: "6", confirm: "yes" }, cookie);
    expect(done.status).toBe(200);
    const dh = await done.text();
    const row = await siteRow(keys.id);
    expect(row.webhook_secret).not.toBe(keys.webhookSecret);
    expect(row.webhook_secret_prev).toBe(keys.webhookSecret);
    expect(row.webhook_secret_prev_until! - Date.now()).toBeGreaterThan(6 * HOUR - 60_000);
    expect(dh).toContain(row.webhook_secret);
    expect(dh).toContain("not shown again");
    expect(dh).toContain("also signed with the previous");
    expect(done.headers.get("cache-control")).toBe("no-store");
    // Shown once: the Keys page does not show it again, but says a grace is running.
    const after = await (await get("/dashboard/keys", cookie)).text();
    expect(after).not.toContain(row.webhook_secret);
    expect(after).toContain("the previous secret is still accepted until");

    const id = await form("/dashboard/keys/rotate", { _csrf: token, key: "identity", confirm: "yes" }, cookie);
    expect(id.status).toBe(200);
    const newId = (await siteRow(keys.id)).identity_secret;
    expect(newId).not.toBe(keys.identitySecret);
    expect(await id.text()).toContain(newId);

    // A bad grace or key is refused with a message; without the CSRF token nothing happens.
    const bad = await form("/dashboard/keys/rotate", { _csrf: token, key: "webhook", graceHours: "500", confirm: "yes" }, cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("0 to 168");
    expect((await form("/dashboard/keys/rotate", { _csrf: token, key: "public", confirm: "yes" }, cookie)).status).toBe(400);
    expect((await form("/dashboard/keys/rotate", { key: "identity", confirm: "yes" }, cookie)).status).toBe(403);
    expect((await siteRow(keys.id)).identity_secret).toBe(newId);
  });

  it("rotating the secret key from the dashboard shows the new key once and signs every session out", async () => {
    const keys = (await createSite()) as Created;
    const cookie = await login(keys.secretKey);
    const elsewhere = await login(keys.secretKey);
    const token = csrfOf(await (await get("/dashboard/keys", cookie)).text());
    const confirm = await (await form("/dashboard/keys/rotate", { _csrf: token, key: "secret" }, cookie)).text();
    expect(confirm).toContain("every dashboard session of this site is signed out");
    const res = await form("/dashboard/keys/rotate", { _csrf: token, key: "secret", confirm: "yes" }, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^es_dash=;.*Max-Age=0/i);
    const html = await res.text();
    const newKey = new RegExp(`sk_${keys.id}_[A-Za-z0-9_-]{43}`).exec(html)![0];
    expect(html).toContain("sign in again with the new key");
    expect((await admin("/keys", newKey)).status).toBe(200);
    expect((await admin("/keys", keys.secretKey)).status).toBe(401);
    for (const c of [cookie, elsewhere]) expect((await get("/dashboard/keys", c)).status).toBe(303);
  });
});
