// Onboarding (issue 15): "New site" with the operator token, the keys shown once,
// then the walk-through: allowed origins (exact match), the snippet, a live
// "waiting for your first event" check (the asset script polls
// /dashboard/setup/status; no inline script under the CSP) and a starter model.
import type { Issue } from "../../http/errors";
import { Csrf, Layout, Msg } from "../layout";
import { SnippetBox, snippetTag } from "./install";
import { editorUrl } from "./models";

export const ORIGIN_RULE =
  "An origin is scheme, host and port, and must match exactly: https://shop.example does not allow http://shop.example, https://www.shop.example or https://shop.example:8443. List each one, or https://*.shop.example for every subdomain.";

function Issues(p: { issues?: Issue[] | undefined }) {
  if (!p.issues?.length) return null;
  return (
    <ul>
      {p.issues.map((i) => (
        <li>
          <code>{i.path || "(body)"}</code>: {i.message}
        </li>
      ))}
    </ul>
  );
}

export function NewSitePage(p: { name?: string; origins?: string; error?: { message: string; issues?: Issue[] | undefined } | null }) {
  return (
    <Layout title="New site" nav={null}>
      <div class="card">
        <h1>Create a site</h1>
        <p class="mut small">
          For the operator of this EdgeScore deployment: the operator token (<code>ADMIN_TOKEN</code>) creates sites. You get the site's keys once, and a session for its dashboard.
        </p>
        {p.error ? (
          <Msg kind="err">
            {p.error.message}
            <Issues issues={p.error.issues} />
          </Msg>
        ) : null}
        <form method="post" action="/dashboard/sites/new">
          <label for="token">Operator token</label>
          <input id="token" name="token" type="password" required autocomplete="off" autocapitalize="off" spellcheck={false} size={40} />
          <label for="name">Site name</label>
          <input id="name" name="name" required maxlength={100} size={40} value={p.name ?? ""} />
          <label for="origins">Allowed origins, one per line</label>
          <p class="mut small" id="origins-help">
            {ORIGIN_RULE}
          </p>
          <textarea id="origins" name="origins" rows={3} spellcheck={false} aria-describedby="origins-help" placeholder="https://shop.example">
            {p.origins ?? ""}
          </textarea>
          <p>
            <button type="submit">Create the site</button>
          </p>
        </form>
        <p class="small">
          Already have a site? <a href="/dashboard/login">Sign in with its secret key</a>.
        </p>
      </div>
    </Layout>
  );
}

export interface CreatedView {
  site: { name: string };
  csrf: string;
  keys: { id: string; publicKey: string; secretKey: string; webhookSecret: string; identitySecret: string };
}

export function CreatedPage(v: CreatedView) {
  const rows: [string, string, string][] = [
    ["Secret key", v.keys.secretKey, "The dashboard sign-in and the admin API (Authorization: Bearer …). Keep it on your servers."],
    ["Webhook secret", v.keys.webhookSecret, "Verifies the alerts EdgeScore posts to your webhooks."],
    ["Identity secret", v.keys.identitySecret, "Signs identify calls for signed-in users on your server."],
    ["Public key", v.keys.publicKey, "Goes into the snippet; safe to publish."],
  ];
  return (
    <Layout title="Site created" nav="setup" site={v.site} csrf={v.csrf}>
      <h1>{v.site.name} is created</h1>
      <Msg kind="info">Copy the secrets now: they are shown only this once (only a hash of the secret key is stored). You are signed in to this site's dashboard.</Msg>
      <div class="card">
        <dl class="keys">
          {rows.map(([label, value, help], i) => (
            <>
              <dt>{label}</dt>
              <dd>
                <code id={`key-${i}`}>{value}</code>{" "}
                <button type="button" class="sec" data-copy={`key-${i}`} data-status={`key-status-${i}`} hidden>
                  Copy
                </button>
                <span id={`key-status-${i}`} class="small" role="status" aria-live="polite"></span>
                <div class="mut small">{help}</div>
              </dd>
            </>
          ))}
        </dl>
      </div>
      <p>
        <a class="btn" href="/dashboard/setup">
          Continue: set up {v.site.name}
        </a>
      </p>
    </Layout>
  );
}

export const TEMPLATES: [id: string, title: string, what: string][] = [
  ["saas", "B2B SaaS", "trial signups, pricing and chat as interest; company size and role as fit"],
  ["shop", "B2C shop", "product views and carts as interest, a promo code for warm shoppers"],
  ["dealer", "Car dealer", "the interest form, emails and the directions page; a test-drive alert when hot"],
];

export interface SetupView {
  site: { name: string; publicKey: string; origins: string[] };
  csrf: string;
  origin: string;
  firstEvent: { received: boolean; lastSeen: number | null };
  models: string[];
  notice?: { kind: "ok" | "err"; message: string; issues?: Issue[] | undefined } | null;
  originsText?: string;
}

export function SetupPage(v: SetupView) {
  const tag = snippetTag(v.origin, v.site.publicKey);
  const done = v.firstEvent.received;
  return (
    <Layout title="Setup" nav="setup" site={v.site} csrf={v.csrf}>
      <h1>Set up {v.site.name}</h1>
      {v.notice ? (
        <Msg kind={v.notice.kind}>
          {v.notice.message}
          <Issues issues={v.notice.issues} />
        </Msg>
      ) : null}
      <ol class="steps">
        <li class="card" aria-labelledby="h-origins">
          <h2 id="h-origins">1. Allowed origins</h2>
          <p class="small">
            The snippet sends events only from these origins. {ORIGIN_RULE} A page on another origin is refused with a 403, and the snippet says so in the browser console.
          </p>
          <form method="post" action="/dashboard/setup/origins">
            <Csrf token={v.csrf} />
            <label for="origins">Origins, one per line</label>
            <textarea id="origins" name="origins" rows={Math.max(3, v.site.origins.length + 1)} spellcheck={false}>
              {v.originsText ?? v.site.origins.join("\n")}
            </textarea>
            <p>
              <button type="submit">Save the origins</button>
            </p>
          </form>
        </li>
        <li class="card" aria-labelledby="h-snippet">
          <h2 id="h-snippet">2. Paste the snippet into every page</h2>
          <SnippetBox siteName={v.site.name} tag={tag} rows={2} />
          <p class="small mut">
            Testing with Playwright or Cypress? The snippet stays off under automation (and says so in the console) unless the tag has <code>data-allow-automation</code>;
            add <code>data-debug</code> to log every batch it sends. More options on the <a href="/dashboard/install">Install</a> page.
          </p>
        </li>
        <li class="card" aria-labelledby="h-first">
          <h2 id="h-first">3. Your first event</h2>
          <p id="first-event" class={done ? "firstev ok" : "firstev wait"} role="status" aria-live="polite" data-first-event="/dashboard/setup/status" data-done={done ? "1" : "0"}>
            {done ? "✓ Events are arriving: your first lead is in." : "Waiting for your first event… open a page with the snippet; this turns green by itself."}
          </p>
        </li>
        <li class="card" aria-labelledby="h-model">
          <h2 id="h-model">4. A scoring model</h2>
          {v.models.length ? (
            <p>
              This site scores with {v.models.map((m, i) => <>{i ? ", " : ""}<a href={`/dashboard/models/${encodeURIComponent(m)}`}>{m}</a></>)}.
            </p>
          ) : (
            <Msg kind="info">Leads are scored only once the site has a scoring model. Start from a template and adjust it:</Msg>
          )}
          <ul class="templates">
            {TEMPLATES.map(([id, title, what]) => (
              <li>
                {/* Named after its template, as the models page names it (a model called "new" said nothing). */}
                <a href={editorUrl(id, { template: id })}>{title}</a> <span class="mut small">— {what}</span>
              </li>
            ))}
          </ul>
        </li>
      </ol>
    </Layout>
  );
}
