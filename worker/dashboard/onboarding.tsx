// Onboarding routes (issue 15): "New site" (operator token, no session yet) and
// the signed-in walk-through at /dashboard/setup. Thin: forms in, the admin API
// (in-process) out, pages from pages/setup.tsx.
import type { Context, Hono } from "hono";
import type { Issue } from "../http/errors";
import type { SiteSettings } from "../sites/settings";
import { enc } from "./api";
import { siteForKey, startSession } from "./auth";
import { sameOrigin } from "./csrf";
import type { DashEnv } from "./env";
import { CreatedPage, NewSitePage, SetupPage, type SetupView } from "./pages/setup";
import type { LeadList, ModelList } from "./types";

type ErrorBody = { error?: { message: string; issues?: Issue[] } };
type Created = { id: string; publicKey: string; secretKey: string; webhookSecret: string; identitySecret: string };

const lines = (v: unknown) =>
  (typeof v === "string" ? v : "")
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

const forwardedAddress = (c: Context<DashEnv>): Record<string, string> => {
  const ip = c.req.header("cf-connecting-ip");
  return ip ? { "cf-connecting-ip": ip } : {};
};

/** Before the session wall: creating a site needs the operator token, not a session. */
export function newSiteRoutes(d: Hono<DashEnv>, app: Hono<any>) {
  d.get("/sites/new", (c) => c.html(<NewSitePage />));

  d.post("/sites/new", async (c) => {
    if (!sameOrigin(c)) return c.html(<NewSitePage error={{ message: "The form did not come from this dashboard. Reload the page and try again." }} />, 403);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const name = typeof form.name === "string" ? form.name.trim() : "";
    const originsText = typeof form.origins === "string" ? form.origins : "";
    const token = typeof form.token === "string" ? form.token.trim() : "";
    // The operator API itself decides (token, validation): the same checks as curl.
    const res = await app.fetch(
      new Request(new URL("/v1/admin/sites", c.req.url), {
        method: "POST",
        // The caller's address (set by Cloudflare, not the browser) rides along: wrong tokens are limited per client.
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...forwardedAddress(c) },
        body: JSON.stringify({ name, origins: lines(originsText) }),
      }),
      c.env,
      c.executionCtx,
    );
    const body = (await res.json().catch(() => ({}))) as Created & ErrorBody;
    if (res.status !== 201) {
      const error = res.status === 401 ? { message: "That operator token is not valid." } : { message: body.error?.message ?? `The API answered ${res.status}.`, issues: body.error?.issues };
      return c.html(<NewSitePage name={name} origins={originsText} error={error} />, res.status === 401 || res.status === 429 ? res.status : 400);
    }
    const site = await siteForKey(c, body.secretKey);
    if (!site) return c.html(<NewSitePage name={name} origins={originsText} error={{ message: "The site was created but could not be opened; sign in with its secret key." }} />, 500);
    await startSession(c, site);
    // No session cookie was read on this request: the CSRF token comes with the next page.
    return c.html(<CreatedPage site={site} csrf="" keys={body} />, 201);
  });
}

async function setupView(c: Context<DashEnv>, extra: Partial<SetupView> = {}): Promise<SetupView> {
  const api = c.get("api");
  const site = c.get("site");
  const [settings, leads, models] = await Promise.all([
    api<SiteSettings>("GET", `/sites/${enc(site.id)}`),
    api<LeadList>("GET", "/leads?limit=1"),
    api<ModelList>("GET", "/models"),
  ]);
  const first = leads.data?.leads[0];
  return {
    site: { name: site.name, publicKey: site.publicKey, origins: settings.data?.origins ?? site.origins },
    csrf: c.get("csrf"),
    origin: new URL(c.req.url).origin,
    firstEvent: { received: !!first, lastSeen: first?.lastSeen ?? null },
    models: models.data?.models.map((m) => m.name) ?? [],
    ...extra,
  };
}

/** Behind the session wall (and its CSRF check on POSTs). */
export function setupRoutes(d: Hono<DashEnv>) {
  d.get("/setup", async (c) => {
    const saved = c.req.query("msg") === "origins";
    return c.html(<SetupPage {...await setupView(c, saved ? { notice: { kind: "ok", message: "The origins are saved; beacons from them are accepted within 30 seconds." } } : {})} />);
  });

  // The live check the asset script polls: any lead means an event arrived.
  d.get("/setup/status", async (c) => {
    const leads = await c.get("api")<LeadList>("GET", "/leads?limit=1");
    const first = leads.data?.leads[0];
    return c.json({ received: !!first, lastSeen: first?.lastSeen ?? null });
  });

  d.post("/setup/origins", async (c) => {
    const form = await c.req.parseBody();
    const text = typeof form.origins === "string" ? form.origins : "";
    const res = await c.get("api")<SiteSettings>("PATCH", `/sites/${enc(c.get("site").id)}`, JSON.stringify({ origins: lines(text) }));
    if (!res.ok) {
      const view = await setupView(c, { originsText: text, notice: { kind: "err", message: res.error?.message ?? "The origins could not be saved.", issues: res.error?.issues } });
      return c.html(<SetupPage {...view} />, 400);
    }
    return c.redirect("/dashboard/setup?msg=origins", 303);
  });
}
