// The dashboard at /dashboard/ and the landing page at /: server-rendered with hono/jsx,
// an in-process client of the admin API (see api.ts). Handlers stay thin: read the
// request, call the API, render a page.
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import { secureHeaders } from "hono/secure-headers";
import { KIB, limitBody, limitStream } from "../http/body";
import { parseModel } from "../scoring/model";
import type { AppEnv, Bindings } from "../env";
import { qs, enc, type Api } from "./api";
import { CSS, CSS_PATH, IMPORT_JS, IMPORT_JS_PATH, JS, JS_PATH } from "./assets";
import { clearSession, requireSession, safeNext, siteForKey, startSession } from "./auth";
import { CSRF_FIELD, sameOrigin, tokenOk } from "./csrf";
import type { DashEnv } from "./env";
import { Layout, leadLabel, Msg } from "./layout";
import { AlertsPage } from "./pages/alerts";
import { InstallPage } from "./pages/install";
import { LandingPage, type DemoSite } from "./pages/landing";
import { KEY_KINDS, KeysPage, RotateConfirmPage, RotatedPage, TITLES, type KeyKind } from "./pages/keys";
import { ImportPage } from "./pages/import";
import { forwardImport } from "./import-upload";
import { EraseConfirmPage, LeadPage, MergeConfirmPage } from "./pages/lead";
import { LeadsPage } from "./pages/leads";
import { LoginPage } from "./pages/login";
import { newSiteRoutes, setupRoutes } from "./onboarding";
import { EditorPage, editorUrl, ModelsPage, PreviewProblems, PreviewView, STARTER } from "./pages/models";
import { ReviewPage } from "./pages/review";
import { parseSort } from "./pages/review-sources";
import { previewText } from "./preview";
import { isTemplate, TEMPLATES } from "../models/templates";
import type { Vocabulary } from "../models/vocabulary";
import { revokeSession, revokeSiteSessions } from "./sessions";
import type { AlertList, KeysInfo, LeadDetail, LeadList, MergeResult, ModelDetail, ModelList, Report, RotatedKey } from "./types";
import { TriggerTestResultPage } from "./pages/trigger-test";
import type { TestResult } from "../alerts/test-send";
import { shardDb } from "../shards/shards";

/**
 * Security headers on every dashboard and landing response (pages, assets, redirects):
 * hono/secure-headers with a CSP that allows nothing inline, no framing, referrers only
 * to this origin; its other defaults (HSTS, COOP, CORP same-origin, nosniff) stay on.
 */
const secure = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  xFrameOptions: "DENY",
  referrerPolicy: "same-origin",
});

/** Pages hold a site's leads: never stored by a browser or proxy unless a route says otherwise (the assets). */
const noStoreByDefault: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has("Cache-Control")) c.res.headers.set("Cache-Control", "no-store");
};

export const securityHeaders = every(secure, noStoreByDefault);

const MAX_FORM_BYTES = 300 * KIB;

/** Every POST: same origin and (when signed in) the session's CSRF token; the size is capped before (limitBody). */
const checkPost: MiddlewareHandler<DashEnv> = async (c, next) => {
  if (c.req.method !== "POST") return next();
  if (!sameOrigin(c)) return forbidden(c);
  const form = await c.req.parseBody().catch(() => null);
  if (!form) return forbidden(c);
  if (!tokenOk(form[CSRF_FIELD], c.get("csrf"))) return forbidden(c);
  await next();
};

function formTooLarge(c: Context) {
  return c.html(
    <Layout title="Too large" nav={null}>
      <h1>This form is too large</h1>
      <Msg kind="err">A form may send up to {MAX_FORM_BYTES / KIB} KiB. Shorten it (a model document, for instance) and try again.</Msg>
    </Layout>,
    413,
  );
}

function forbidden(c: Context) {
  return c.html(
    <Layout title="Forbidden" nav={null}>
      <h1>This form could not be accepted</h1>
      <Msg kind="err">The form did not come from this dashboard, or it expired. Go back, reload the page and try again.</Msg>
      <p>
        <a href="/dashboard/">Back to the dashboard</a>
      </p>
    </Layout>,
    403,
  );
}

const formString = async (c: Context, name: string): Promise<string> => {
  const v = (await c.req.parseBody())[name];
  return typeof v === "string" ? v : "";
};

/** The edited text's preview under the site's data, or why there is none. */
const editedPreview = (c: Context<DashEnv>, text: string, currentDocument: unknown | null) =>
  previewText(shardDb(c.env, c.get("site").shard), c.get("site").id, text, currentDocument, { allowHttpLocalhost: c.env.ENVIRONMENT === "dev", now: Date.now() });

const NOTICES: Record<string, [kind: "ok" | "err" | "info", text: string]> = {
  erased: ["ok", "The lead and its personal data were erased."],
  retried: ["ok", "The alert is being resent."],
  merged: ["ok", "The leads were merged into this one."],
};

function notice(c: Context) {
  const n = NOTICES[c.req.query("msg") ?? ""];
  return n ? <Msg kind={n[0]}>{n[1]}</Msg> : null;
}

/** Tier names in ascending order and the fit / interest maxima of a stored model document. */
function modelShape(doc: unknown) {
  const p = doc === undefined ? null : parseModel(doc, { allowHttpLocalhost: true });
  if (!p || !p.ok) return { tiers: ["warm", "hot"], fitMax: 50, interestMax: 50 };
  const cats = Object.values(p.model.categories);
  return {
    tiers: Object.keys(p.model.tiers),
    fitMax: cats.filter((x) => x.kind === "fit").reduce((a, x) => a + x.max, 0),
    interestMax: cats.filter((x) => x.kind === "interest").reduce((a, x) => a + x.max, 0),
  };
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function dashboard(app: Hono<any>) {
  const d = new Hono<DashEnv>();
  d.use("*", securityHeaders);
  // The Import page's uploads (issue 13): a file part of up to 10 MiB, streamed to the
  // admin API; registered before the form cap, with its own session and CSRF checks.
  d.post("/import/upload", limitStream(10 * 1024 * KIB), requireSession(app), forwardImport(app));
  d.use("*", limitBody(MAX_FORM_BYTES, formTooLarge));

  d.get("/assets/:file", (c) => {
    const path = new URL(c.req.url).pathname;
    const [body, type] = path === CSS_PATH ? [CSS, "text/css; charset=utf-8"] : path === JS_PATH ? [JS, "text/javascript; charset=utf-8"] : path === IMPORT_JS_PATH ? [IMPORT_JS, "text/javascript; charset=utf-8"] : [null, ""];
    if (body === null) return c.text("Not found", 404);
    return c.body(body, 200, { "Content-Type": type, "Cache-Control": "public, max-age=31536000, immutable" });
  });

  // ---- sign-in and sign-out (no session needed) ----
  d.get("/login", (c) => {
    const out = c.req.query("out");
    return c.html(<LoginPage next={c.req.query("next")} signedOut={out === "1" ? "here" : out === "all" ? "everywhere" : null} />);
  });

  d.post("/login", async (c) => {
    if (!sameOrigin(c)) return forbidden(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const key = typeof form.key === "string" ? form.key.trim() : "";
    const next = safeNext(form.next);
    const site = key ? await siteForKey(c, key) : null;
    if (!site) return c.html(<LoginPage error="That secret key is not valid. Check it and try again." next={next === "/dashboard/" ? undefined : next} />, 401);
    await startSession(c, site);
    return c.redirect(next, 303);
  });

  newSiteRoutes(d, app);

  // ---- everything else: signed in; every POST carries the session's CSRF token ----
  d.use("*", requireSession(app));
  d.use("*", checkPost);
  setupRoutes(d);

  // Signing out deletes the session row: a copy of the cookie no longer works either.
  d.post("/logout", async (c) => {
    await revokeSession(c.env.DB, c.get("session"));
    clearSession(c);
    return c.redirect("/dashboard/login?out=1", 303);
  });

  d.post("/logout-all", async (c) => {
    await revokeSiteSessions(c.env.DB, c.get("site").id);
    clearSession(c);
    return c.redirect("/dashboard/login?out=all", 303);
  });

  // The leads page lives at /dashboard/ (a route "/" under the mount would only match /dashboard).
  d.get("/", (c) => c.redirect("/dashboard/", 301));
  d.get("/:slash{/?}", async (c) => {
    const api = c.get("api");
    const f = { model: c.req.query("model") ?? "", tier: c.req.query("tier") ?? "", q: (c.req.query("q") ?? "").trim(), cursor: c.req.query("cursor") ?? "" };
    const [ml, list] = await Promise.all([
      api<ModelList>("GET", "/models"),
      api<LeadList>("GET", "/leads" + qs({ model: f.model, tier: f.tier, q: f.q, cursor: f.cursor, limit: 50 })),
    ]);
    const models = ml.data?.models.map((m) => m.name) ?? [];
    const model = f.model || models[0] || null;
    const detail = model ? await api<ModelDetail>("GET", `/models/${enc(model)}`) : null;
    const shape = modelShape(detail?.data?.document);
    return c.html(
      <LeadsPage
        site={c.get("site")}
        csrf={c.get("csrf")}
        models={models}
        model={model}
        tiers={shape.tiers}
        fitMax={shape.fitMax}
        interestMax={shape.interestMax}
        filters={f}
        leads={list.data?.leads ?? []}
        next={list.data?.cursor ?? null}
        error={list.error?.message ?? null}
        notice={notice(c)}
      />,
      list.ok ? 200 : list.status === 404 ? 404 : 400,
    );
  });

  d.get("/leads/:id", async (c) => {
    const api = c.get("api");
    const r = await api<LeadDetail>("GET", `/leads/${enc(c.req.param("id"))}`);
    if (!r.data) return notFoundPage(c, "This lead does not exist, or it was erased.");
    const ml = await api<ModelList>("GET", "/models");
    const tiers: Record<string, string[]> = {};
    await Promise.all(
      (ml.data?.models ?? []).map(async (m) => {
        const dm = await api<ModelDetail>("GET", `/models/${enc(m.name)}`);
        tiers[m.name] = modelShape(dm.data?.document).tiers;
      }),
    );
    return c.html(<LeadPage site={c.get("site")} csrf={c.get("csrf")} detail={r.data} model={c.req.query("model") ?? null} tiers={tiers} notice={notice(c)} />);
  });

  // Merging a claimed lead into the lead that holds the claimed email. The target is
  // read from the API's claimHolder, never from the form: a tampered form cannot
  // merge into any other lead.
  d.post("/leads/:id/merge", async (c) => {
    const api = c.get("api");
    const id = c.req.param("id");
    const r = await api<LeadDetail>("GET", `/leads/${enc(id)}`);
    if (!r.data) return notFoundPage(c, "This lead does not exist, or it was erased.");
    const lead = r.data.lead;
    const holder = lead.claimHolder && lead.claimHolder.id !== lead.id ? lead.claimHolder : null;
    if (!holder || !lead.claimedEmail) return notFoundPage(c, "This lead claims no email that another lead holds: there is nothing to merge it into.");
    const page = (error: string | null, status: 200 | 409 | 501) =>
      c.html(
        <MergeConfirmPage site={c.get("site")} csrf={c.get("csrf")} id={id} label={leadLabel(lead)} claimedEmail={lead.claimedEmail!} holder={holder} error={error} />,
        status,
      );
    if ((await formString(c, "confirm")) !== "yes") return page(null, 200);
    const m = await api<MergeResult>("POST", `/leads/${enc(id)}/merge`, JSON.stringify({ into: holder.id }));
    if (m.data) return c.redirect(`/dashboard/leads/${enc(m.data.lead)}?msg=merged`, 303);
    if (m.missing || m.status === 405) return page("Merging is not available on this deployment yet (the API has no POST /v1/admin/leads/:id/merge).", 501);
    return page(`The leads could not be merged: ${m.error?.message ?? m.status}`, 409);
  });

  d.post("/leads/:id/erase", async (c) => {
    const api = c.get("api");
    const id = c.req.param("id");
    const r = await api<LeadDetail>("GET", `/leads/${enc(id)}`);
    if (!r.data) return notFoundPage(c, "This lead does not exist, or it was already erased.");
    const page = (error: string | null, status: 200 | 409 | 501) =>
      c.html(<EraseConfirmPage site={c.get("site")} csrf={c.get("csrf")} id={id} label={leadLabel(r.data!.lead)} events={r.data!.lead.eventCount} error={error} />, status);
    if ((await formString(c, "confirm")) !== "yes") return page(null, 200);
    const del = await api("DELETE", `/leads/${enc(id)}`);
    if (del.ok) return c.redirect("/dashboard/?msg=erased", 303);
    if (del.missing || del.status === 405) return page("Erasing is not available on this deployment yet (the API has no DELETE /v1/admin/leads/:id).", 501);
    return page(`The lead could not be erased: ${del.error?.message ?? del.status}`, 409);
  });

  // ---- models ----
  d.get("/models", async (c) => {
    const ml = await c.get("api")<ModelList>("GET", "/models");
    return c.html(<ModelsPage site={c.get("site")} csrf={c.get("csrf")} models={ml.data?.models ?? []} error={ml.error?.message ?? null} />);
  });

  d.get("/models/open", (c) => {
    const name = (c.req.query("name") ?? "").trim();
    if (!NAME.test(name)) return c.redirect("/dashboard/models", 303);
    return c.redirect(editorUrl(name), 303);
  });

  d.get("/models/:name/status", async (c) => {
    const m = await c.get("api")<ModelDetail>("GET", `/models/${enc(c.req.param("name"))}`);
    if (!m.data) return c.json({ error: "not found" }, 404);
    return c.json(m.data.rescore);
  });

  d.get("/models/:name", async (c) => {
    const api = c.get("api");
    const name = c.req.param("name");
    if (!NAME.test(name)) return notFoundPage(c, "A model name is 1–64 letters, digits, _ . or -.");
    const [m, voc] = await Promise.all([api<ModelDetail>("GET", `/models/${enc(name)}`), api<Vocabulary>("GET", "/vocabulary")]);
    const vocabulary = voc.data;
    let text = JSON.stringify(m.data ? m.data.document : STARTER, null, 2);
    let note = null;
    let error: string | null = null;
    const template = c.req.query("template");
    if (isTemplate(template)) {
      text = JSON.stringify(TEMPLATES[template].document, null, 2);
      note = <Msg kind="info">This is the {TEMPLATES[template].title} starter model{m.data ? ", in place of the saved one" : ""}. It is not saved: adjust it, watch the preview, then Save.</Msg>;
    }
    if (c.req.query("from") === "suggested") {
      const days = daysParam(c.req.query("days"));
      const rep = await api<Report>("GET", "/report" + qs({ model: name, days }));
      const suggested = rep.data?.suggestedModel;
      if (suggested) {
        text = JSON.stringify(suggested, null, 2);
        const auc = rep.data?.suggestedAuc ?? null;
        note = (
          <Msg kind="info">
            This is the model suggested by the last {days} days' review{auc !== null ? ` (AUC ${Math.round(auc * 1000) / 1000} on held-out leads)` : ""}. It is not saved: Preview it,
            then Save to use it.
          </Msg>
        );
      } else error = "The review has no suggested model right now; the current document is shown.";
    }
    return c.html(
      <EditorPage site={c.get("site")} csrf={c.get("csrf")} name={name} model={m.data} text={text} notice={note} error={error} saved={c.req.query("saved") === "1"} retentionDays={c.get("site").retentionDays} vocabulary={vocabulary} />,
    );
  });

  // The editor script's live preview: the preview (or the problems) as an HTML fragment.
  d.post("/models/:name/preview", async (c) => {
    const name = c.req.param("name");
    if (!NAME.test(name)) return c.text("Not found", 404);
    const current = await c.get("api")<ModelDetail>("GET", `/models/${enc(name)}`);
    const r = await editedPreview(c, await formString(c, "document"), current.data?.document ?? null);
    return r.ok ? c.html(<PreviewView p={r.preview} tiers={r.tiers} isNew={!current.data} />) : c.html(<PreviewProblems error={r.error} issues={r.issues} />, 400);
  });

  d.post("/models/:name", async (c) => {
    const api = c.get("api");
    const name = c.req.param("name");
    if (!NAME.test(name)) return notFoundPage(c, "A model name is 1–64 letters, digits, _ . or -.");
    const text = await formString(c, "document");
    const action = await formString(c, "action");
    const current = await api<ModelDetail>("GET", `/models/${enc(name)}`);
    const vocabulary = (await api<Vocabulary>("GET", "/vocabulary")).data;
    const page = (extra: Partial<Parameters<typeof EditorPage>[0]>, status: 200 | 400 = 200) =>
      c.html(<EditorPage site={c.get("site")} csrf={c.get("csrf")} name={name} model={current.data} text={text} retentionDays={c.get("site").retentionDays} vocabulary={vocabulary} {...extra} />, status);

    if (action === "preview") {
      const r = await editedPreview(c, text, current.data?.document ?? null);
      return r.ok ? page({ preview: r.preview, tiers: r.tiers }) : page({ error: r.error, issues: r.issues }, 400);
    }

    // Save: the API validates; its issues (each with its path) are shown with the user's text kept.
    const put = await api("PUT", `/models/${enc(name)}`, text);
    if (put.ok) return c.redirect(editorUrl(name, { saved: 1 }), 303);
    return page({ error: put.error?.message ?? `The API answered ${put.status}.`, issues: put.error?.issues ?? null }, 400);
  });

  // The editor's test button (issue 14): the answer on a page of its own.
  d.post("/models/:name/triggers/:id/test", async (c) => {
    const name = c.req.param("name");
    const id = c.req.param("id");
    const r = await c.get("api")<TestResult>("POST", `/models/${enc(name)}/triggers/${enc(id)}/test`);
    const error = r.error?.message ?? `The API answered ${r.status}.`;
    return c.html(<TriggerTestResultPage site={c.get("site")} csrf={c.get("csrf")} name={name} trigger={id} result={r.data ?? null} error={r.ok ? null : error} />, r.ok ? 200 : 400);
  });

  // ---- review, install, alerts ----
  d.get("/review", async (c) => {
    const api = c.get("api");
    const ml = await api<ModelList>("GET", "/models");
    const models = ml.data?.models.map((m) => m.name) ?? [];
    const model = c.req.query("model") || models[0] || null;
    const days = daysParam(c.req.query("days"));
    const base = { site: c.get("site"), csrf: c.get("csrf"), models, model, days, sort: parseSort(c.req.query("sort")) };
    if (!model) return c.html(<ReviewPage {...base} report={null} state="no-model" />);
    const rep = await api<Report>("GET", "/report" + qs({ model, days }));
    if (rep.missing) return c.html(<ReviewPage {...base} report={null} state="missing" />);
    if (!rep.ok) return c.html(<ReviewPage {...base} report={null} state="error" error={rep.error?.message ?? String(rep.status)} />);
    return c.html(<ReviewPage {...base} report={rep.data} state="ok" />);
  });

  // ---- keys ----
  d.get("/keys", async (c) => {
    const k = await c.get("api")<KeysInfo>("GET", "/keys");
    return c.html(<KeysPage site={c.get("site")} csrf={c.get("csrf")} keys={k.data} error={k.error?.message ?? null} />);
  });

  d.post("/keys/rotate", async (c) => {
    const form = await c.req.parseBody();
    const kind = KEY_KINDS.find((k) => k === form.key);
    const grace = typeof form.graceHours === "string" && /^\d{1,3}$/.test(form.graceHours) ? Number(form.graceHours) : kind === "webhook" ? NaN : 24;
    const keysPage = async (error: string) => {
      const k = await c.get("api")<KeysInfo>("GET", "/keys");
      return c.html(<KeysPage site={c.get("site")} csrf={c.get("csrf")} keys={k.data} error={error} />, 400);
    };
    if (!kind) return keysPage("Choose which key to rotate.");
    if (!(grace >= 0 && grace <= 168)) return keysPage("The grace period is a whole number of hours from 0 to 168.");
    if (form.confirm !== "yes") return c.html(<RotateConfirmPage site={c.get("site")} csrf={c.get("csrf")} kind={kind} graceHours={grace} />);
    const r = await rotate(c.get("api"), kind, grace);
    if (!r.rotated) return keysPage(`The ${TITLES[kind]} was not rotated: ${r.error?.message ?? r.status}`);
    // A new secret key ends every session of the site, this one included.
    if (kind === "secret") clearSession(c);
    return c.html(
      <RotatedPage site={c.get("site")} csrf={kind === "secret" ? null : c.get("csrf")} kind={kind} value={r.rotated.value} previousValidUntil={r.rotated.until} />,
    );
  });

  d.get("/import", (c) => c.html(<ImportPage site={c.get("site")} csrf={c.get("csrf")} />));

  d.get("/install", (c) => c.html(<InstallPage site={c.get("site")} csrf={c.get("csrf")} origin={new URL(c.req.url).origin} />));

  d.get("/alerts", async (c) => {
    const status = c.req.query("status") ?? "";
    const cursor = c.req.query("cursor") ?? "";
    const r = await c.get("api")<AlertList>("GET", "/alerts" + qs({ status, cursor, limit: 50 }));
    const state = r.ok ? "ok" : r.missing ? "missing" : "error";
    return c.html(
      <AlertsPage
        site={c.get("site")}
        csrf={c.get("csrf")}
        alerts={r.data?.alerts ?? []}
        next={r.data?.cursor ?? null}
        status={status}
        cursor={cursor}
        state={state}
        error={r.error?.message ?? null}
        notice={notice(c)}
      />,
    );
  });

  d.post("/alerts/:id/retry", async (c) => {
    const r = await c.get("api")("POST", `/alerts/${enc(c.req.param("id"))}/retry`);
    if (r.ok) return c.redirect("/dashboard/alerts?msg=retried", 303);
    return c.html(
      <Layout title="Alerts" nav="alerts" site={c.get("site")} csrf={c.get("csrf")}>
        <h1>Alert not resent</h1>
        <Msg kind="err">{r.error?.message ?? `The API answered ${r.status}.`}</Msg>
        <p>
          <a href="/dashboard/alerts">Back to the alerts</a>
        </p>
      </Layout>,
      r.status === 404 ? 404 : 409,
    );
  });

  d.notFound((c) => notFoundPage(c, "There is no such dashboard page."));
  return d;
}

/** The new secret (and the old webhook secret's grace) in each kind of rotation's answer. */
const ROTATED: { [K in KeyKind]: (r: RotatedKey[K]) => { value: string; until: number | null } } = {
  secret: (r) => ({ value: r.secretKey, until: null }),
  identity: (r) => ({ value: r.identitySecret, until: null }),
  webhook: (r) => ({ value: r.webhookSecret, until: r.previousValidUntil }),
};

async function rotate<K extends KeyKind>(api: Api, kind: K, graceHours: number) {
  const r = await api<RotatedKey[K]>("POST", "/keys/rotate", JSON.stringify(kind === "webhook" ? { key: kind, graceHours } : { key: kind }));
  return { ...r, rotated: r.data ? ROTATED[kind](r.data) : null };
}

function daysParam(v: string | undefined): number {
  const n = Number(v ?? 30);
  return Number.isInteger(n) && n >= 1 && n <= 365 ? n : 30;
}

function notFoundPage(c: Context<DashEnv>, text: string) {
  const site = c.get("site") as DashEnv["Variables"]["site"] | undefined;
  return c.html(
    <Layout title="Not found" nav={null} site={site ?? null} csrf={site ? c.get("csrf") : undefined}>
      <h1>Not found</h1>
      <p>{text}</p>
      <p>
        <a href="/dashboard/">Back to the leads</a>
      </p>
    </Layout>,
    404,
  );
}

/** Demo sites from DEMO_KEYS (local `npm start` only); anything malformed is ignored. */
export function demoSites(env: Bindings): DemoSite[] {
  if (!env.DEMO_KEYS) return [];
  try {
    const parsed = JSON.parse(env.DEMO_KEYS) as Record<string, { name?: unknown; secretKey?: unknown }>;
    return ["shop", "dealer", "saas"].flatMap((k) => {
      const s = parsed[k];
      return s && typeof s.secretKey === "string" ? [{ key: k, name: typeof s.name === "string" ? s.name : k, secretKey: s.secretKey }] : [];
    });
  } catch {
    return [];
  }
}

export const landing = (c: Context<AppEnv>) => c.html(<LandingPage demos={demoSites(c.env)} />);
