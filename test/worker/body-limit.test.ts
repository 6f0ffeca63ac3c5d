// Request size caps (hono/body-limit through worker/http/body.ts limitBody): each route's
// cap, the SPEC error shape, and a huge body costing nothing: reading stops at the cap
// whether the body declares no length, the truth, or a lie.
import { describe, expect, it } from "vitest";
import { admin, call, createSite, event, OPERATOR, ORIGIN } from "../support/api";

const KIB = 1024;
const CHUNK = 16 * KIB;

/** A body of `total` bytes made on demand, counting what the Worker actually pulled. */
function stream(total: number) {
  const seen = { pulled: 0 };
  const body = new ReadableStream<Uint8Array>(
    {
      pull(ctl) {
        if (seen.pulled >= total) return ctl.close();
        const n = Math.min(CHUNK, total - seen.pulled);
        seen.pulled += n;
        ctl.enqueue(new Uint8Array(n).fill(0x20));
      },
    },
    // Nothing is pulled before someone reads.
    { highWaterMark: 0 },
  );
  return { body, seen };
}

async function expectTooLarge(res: Response) {
  expect(res.status).toBe(413);
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe("payload_too_large");
  expect(body.error.message).toMatch(/over \d+ KiB/);
}

const beacon = (headers: Record<string, string>, body: BodyInit) =>
  call("/v1/collect", { method: "POST", headers: { origin: ORIGIN, "content-type": "text/plain", ...headers }, body });

describe("a huge body costs nothing", () => {
  it("a streamed body without Content-Length is read only up to the cap, then refused", async () => {
    const { body, seen } = stream(64 * 1024 * KIB);
    await expectTooLarge(await beacon({}, body));
    expect(seen.pulled).toBeGreaterThan(64 * KIB);
    expect(seen.pulled).toBeLessThanOrEqual(64 * KIB + CHUNK);
  });

  it("a Content-Length that lies low does not let a longer body through", async () => {
    const { body, seen } = stream(64 * 1024 * KIB);
    await expectTooLarge(await beacon({ "content-length": "100" }, body));
    expect(seen.pulled).toBeLessThanOrEqual(64 * KIB + CHUNK);
    // The same with a body held in memory: still 413, not a parse of 1 MiB.
    await expectTooLarge(await beacon({ "content-length": "2" }, "{}" + " ".repeat(1024 * KIB)));
  });

  it("a declared length over the cap is refused without reading a byte", async () => {
    const { body, seen } = stream(1024 * KIB);
    await expectTooLarge(await beacon({ "content-length": String(1024 * KIB) }, body));
    expect(seen.pulled).toBe(0);
  });

  it("a body within the cap, streamed or declared truthfully, goes through", async () => {
    const site = await createSite();
    const json = JSON.stringify({ site: site.publicKey, visitor: "v", events: Array.from({ length: 45 }, () => event("page_view", { title: "x".repeat(500), url: `https://shop.example/${"p".repeat(400)}` })) });
    const chunks = new TextEncoder().encode(json);
    expect(chunks.length).toBeGreaterThan(2 * CHUNK);
    const streamed = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < chunks.length; i += CHUNK) ctl.enqueue(chunks.slice(i, i + CHUNK));
        ctl.close();
      },
    });
    const res = await beacon({}, streamed);
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(45);
    const declared = await beacon({ "content-length": String(chunks.length) }, json.replace('"v"', '"w"'));
    expect(declared.status).toBe(200);
  });

  it("a Request from the network (it carries cf) is held to its declared length by the framing, not re-counted", async () => {
    const site = await createSite();
    const json = JSON.stringify({ site: site.publicKey, visitor: "framed", events: [event("page_view")] });
    const { body: over, seen } = stream(1024 * KIB);
    await expectTooLarge(await beacon({ "content-length": String(1024 * KIB) }, over));
    expect(seen.pulled).toBe(0);
    const framed = await call("/v1/collect", {
      method: "POST",
      headers: { origin: ORIGIN, "content-type": "text/plain", "content-length": String(new TextEncoder().encode(json).length) },
      body: json,
      cf: { country: "DE" },
    });
    expect(framed.status, await framed.clone().text()).toBe(200);
    expect(((await framed.json()) as { accepted: number }).accepted).toBe(1);
  });

  it("an admin body from an unknown key is not read at all", async () => {
    const { body, seen } = stream(1024 * KIB);
    const res = await call("/v1/admin/products", { method: "PUT", headers: { authorization: "Bearer sk_nope" }, body });
    expect(res.status).toBe(401);
    expect(seen.pulled).toBe(0);
  });
});

describe("each route's cap", () => {
  const pad = (n: number) => "x".repeat(n);

  it("64 KiB on the public routes, the operator's sites and the ordinary admin bodies", async () => {
    const site = await createSite();
    await expectTooLarge(await call("/v1/hints", { method: "POST", headers: { origin: ORIGIN }, body: JSON.stringify({ site: site.publicKey, pad: pad(65 * KIB) }) }));
    await expectTooLarge(await call("/v1/recommendations", { method: "POST", headers: { origin: ORIGIN }, body: JSON.stringify({ site: site.publicKey, pad: pad(65 * KIB) }) }));
    await expectTooLarge(
      await call("/v1/admin/sites", { method: "POST", headers: { authorization: `Bearer ${OPERATOR}` }, body: JSON.stringify({ name: pad(65 * KIB), origins: [ORIGIN] }) }),
    );
    await expectTooLarge(await admin("/events", site.secretKey, { body: { email: "a@example.com", traits: { note: pad(65 * KIB) }, events: [] } }));
    await expectTooLarge(await admin("/conversions", site.secretKey, { body: { lead: pad(65 * KIB) } }));
  });

  it("512 KiB on the catalog import and promo codes, 256 KiB on a model", async () => {
    const site = await createSite();
    // 200 KiB of products: over the general cap, within the catalog's.
    const products = Array.from({ length: 400 }, (_, i) => ({ id: `p${i}`, name: pad(500) }));
    const imported = await admin("/products", site.secretKey, { method: "PUT", body: { products } });
    expect(imported.status, await imported.clone().text()).toBe(200);
    expect(await imported.json()).toEqual({ imported: 400 });
    await expectTooLarge(await admin("/products", site.secretKey, { method: "PUT", body: { products: [{ id: "p", name: pad(513 * KIB) }] } }));

    const model = { tiers: { warm: 1 }, categories: { k: { kind: "interest", max: 10 } }, rules: [{ id: "r", category: "k", points: 1, when: { event: "page_view" } }], promos: [{ id: "w", when: { tier: "warm" }, codes: ["A"] }] };
    expect((await admin("/models/m", site.secretKey, { method: "PUT", body: model })).status).toBe(201);
    // 100 KiB of codes: accepted.
    const codes = Array.from({ length: 10_000 }, (_, i) => `CODE-${String(i).padStart(5, "0")}`);
    const added = await admin("/promos/m/w/codes", site.secretKey, { body: { codes } });
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ added: 10_000 });
    await expectTooLarge(await admin("/promos/m/w/codes", site.secretKey, { body: { codes: [pad(513 * KIB)] } }));

    // A 200 KiB model document is read (and judged on its content), a 257 KiB one is not.
    const big = await admin("/models/m", site.secretKey, { method: "PUT", body: { ...model, note: pad(200 * KIB) } });
    expect(big.status).not.toBe(413);
    await expectTooLarge(await admin("/models/m", site.secretKey, { method: "PUT", body: { ...model, note: pad(257 * KIB) } }));
  });

  it("300 KiB on a dashboard form, answered with a page", async () => {
    const headers = { origin: "https://edgescore.test", "content-type": "application/x-www-form-urlencoded" };
    const res = await call("/dashboard/login", { method: "POST", headers, body: "key=" + pad(301 * KIB) });
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("This form is too large");
    const { body, seen } = stream(10 * 1024 * KIB);
    expect((await call("/dashboard/login", { method: "POST", headers, body })).status).toBe(413);
    expect(seen.pulled).toBeLessThanOrEqual(300 * KIB + CHUNK);
    // Within the cap the form is read: a wrong key is a 401 page.
    expect((await call("/dashboard/login", { method: "POST", headers, body: "key=" + pad(200 * KIB) })).status).toBe(401);
  });
});
