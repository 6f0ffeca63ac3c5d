import { describe, expect, it } from "vitest";
import { admin, call, createSite, OPERATOR, rows } from "../support/api";

const post = (body: unknown, token: string | null = OPERATOR) =>
  call("/v1/admin/sites", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe("POST /v1/admin/sites", () => {
  it("creates a site with fresh keys and stores only a hash of the secret key", async () => {
    const keys = await createSite(["https://shop.example", "https://*.dealer.example"]);
    expect(keys.id).toMatch(/^site_[A-Za-z0-9_-]{12}$/);
    expect(keys.publicKey).toMatch(/^pk_[A-Za-z0-9_-]{22}$/);
    // 32 random bytes: well over the 24-byte floor.
    expect(keys.secretKey).toMatch(new RegExp(`^sk_${keys.id}_[A-Za-z0-9_-]{43}$`));
    expect(keys.webhookSecret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const [row] = await rows<{ secret_hash: string; origins: string }>("SELECT secret_hash, origins FROM sites WHERE id = ?", keys.id);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(await rows("SELECT * FROM sites"))).not.toContain(keys.secretKey);
    expect(JSON.parse(row!.origins)).toEqual(["https://shop.example", "https://*.dealer.example"]);

    const other = await createSite();
    expect(other.secretKey).not.toBe(keys.secretKey);
    expect(other.publicKey).not.toBe(keys.publicKey);
  });

  it("refuses a missing or wrong operator token with 401", async () => {
    const none = await post({ name: "x", origins: [] }, null);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    expect((await post({ name: "x", origins: [] }, "wrong-token")).status).toBe(401);
    expect((await post({ name: "x", origins: [] }, "test-admin-tokeX")).status).toBe(401);
  });

  it("lists every problem of an invalid site with its path", async () => {
    const res = await post({ name: "", origins: ["https://ok.example", "ftp://x", "https://a.example/path"], extra: 1 });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(["name", "origins.1", "origins.2"]);
  });

  it("stores catalog hosts (lower-cased, de-duplicated) and kept query parameters given at creation", async () => {
    const keys = await createSite(["https://shop.example"], { catalogHosts: ["CDN.Shop.Example", "shop.example", "cdn.shop.example", "127.0.0.1"], keepParams: ["variant", "ref_id", "a.b-c"] });
    const [row] = await rows<{ catalog_hosts: string; keep_params: string }>("SELECT catalog_hosts, keep_params FROM sites WHERE id = ?", keys.id);
    expect(JSON.parse(row!.catalog_hosts)).toEqual(["cdn.shop.example", "shop.example", "127.0.0.1"]);
    expect(JSON.parse(row!.keep_params)).toEqual(["variant", "ref_id", "a.b-c"]);
    // Both optional: an empty list by default.
    const plain = await createSite();
    const [p] = await rows<{ catalog_hosts: string; keep_params: string }>("SELECT catalog_hosts, keep_params FROM sites WHERE id = ?", plain.id);
    expect([JSON.parse(p!.catalog_hosts), JSON.parse(p!.keep_params)]).toEqual([[], []]);
  });

  it("refuses catalog hosts that are not host names and kept parameters outside [A-Za-z0-9_.-]{1,64}, each with its path", async () => {
    const res = await post({
      name: "x",
      origins: [],
      catalogHosts: ["ok.example", "https://cdn.example", "cdn.example/path", "cdn.example:8080", "-bad.example", "a..b", "", "x".repeat(64) + ".example", 7],
      keepParams: ["ok", "has space", "", "x".repeat(65), "q=1", "ümlaut"],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(
      ["catalogHosts.1", "catalogHosts.2", "catalogHosts.3", "catalogHosts.4", "catalogHosts.5", "catalogHosts.6", "catalogHosts.7", "catalogHosts.8", "keepParams.1", "keepParams.2", "keepParams.3", "keepParams.4", "keepParams.5"].sort(),
    );
    const many = await post({ name: "x", origins: [], catalogHosts: Array.from({ length: 21 }, (_, i) => `h${i}.example`), keepParams: Array.from({ length: 21 }, (_, i) => `p${i}`) });
    expect(many.status).toBe(400);
    expect(((await many.json()) as { error: { issues: { path: string }[] } }).error.issues.map((i) => i.path).sort()).toEqual(["catalogHosts", "keepParams"]);
  });

  it("a secret key opens only its own site's admin routes", async () => {
    const a = await createSite();
    const ev = { visitor: "v1", events: [{ id: "x1", type: "page_view", ts: Date.now() }] };
    expect((await admin("/events", a.secretKey, { body: ev })).status).toBe(200);
    // Tampered secret (same site id, other random part) and public keys are refused.
    const forged = a.secretKey.slice(0, -4) + (a.secretKey.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect((await admin("/events", forged, { body: ev })).status).toBe(401);
    expect((await admin("/events", a.publicKey, { body: ev })).status).toBe(401);
    expect((await admin("/events", OPERATOR, { body: ev })).status).toBe(401);
  });
});
