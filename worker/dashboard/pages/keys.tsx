// The Keys page: what each key is for, rotation with a confirm step, and a new
// secret shown once with what to do next. Secrets are rendered as text in
// read-only fields; every response is `Cache-Control: no-store`.
import { Csrf, Layout, Msg, PostButton, When } from "../layout";
import type { KeysInfo } from "../types";

export type KeyKind = "secret" | "webhook" | "identity";
export const KEY_KINDS: readonly KeyKind[] = ["secret", "webhook", "identity"];

export const TITLES: Record<KeyKind, string> = { secret: "secret key", webhook: "webhook secret", identity: "identity secret" };

const CONSEQUENCE: Record<KeyKind, string> = {
  secret:
    "The current secret key stops working at once, for the API and for this dashboard: every dashboard session of this site is signed out, this one included. The new key is shown once.",
  webhook:
    "A new webhook secret signs alert webhooks. The current one stays valid for the grace period you choose, so you can update your receiver without losing alerts. The new secret is shown once.",
  identity: "Signatures made with the current identity secret stop being accepted at once: signed identify calls fail until your server uses the new secret.",
};

type Site = { name: string };

function RotateForm(p: { csrf: string; kind: KeyKind }) {
  return (
    <form method="post" action="/dashboard/keys/rotate" class="row">
      <Csrf token={p.csrf} />
      <input type="hidden" name="key" value={p.kind} />
      {p.kind === "webhook" ? (
        <div>
          <label for="grace">Keep the old secret valid for (hours)</label>
          <input id="grace" name="graceHours" type="number" min={0} max={168} step={1} value="24" required />
        </div>
      ) : null}
      <button type="submit" class={p.kind === "webhook" ? "sec" : "danger"}>
        Rotate the {TITLES[p.kind]}…
      </button>
    </form>
  );
}

export function KeysPage(p: { site: Site; csrf: string; keys: KeysInfo | null; error?: string | null }) {
  const k = p.keys;
  return (
    <Layout title="Keys" nav="keys" site={p.site} csrf={p.csrf}>
      <h1>Keys</h1>
      {p.error ? <Msg kind="err">{p.error}</Msg> : null}
      <section class="card" aria-labelledby="h-public">
        <h2 id="h-public">Public key</h2>
        <p>
          {k ? <code>{k.publicKey}</code> : "—"} is in your snippet and every page: it can only send events and read hints from your allowed origins. It is safe to publish.
        </p>
      </section>
      <section class="card" aria-labelledby="h-secret">
        <h2 id="h-secret">Secret key</h2>
        <p>
          The <code>sk_…</code> key opens the admin API and this dashboard. Only a hash of it is stored, so it cannot be shown again. Rotate it if it may have leaked.
        </p>
        <RotateForm csrf={p.csrf} kind="secret" />
      </section>
      <section class="card" aria-labelledby="h-webhook">
        <h2 id="h-webhook">Webhook secret</h2>
        <p>
          Signs every alert webhook (<code>X-EdgeScore-Signature: sha256=…</code>, HMAC-SHA256 of the body). It is shown once, when created or rotated.
        </p>
        {k?.webhookSecretRotatedUntil ? (
          <Msg kind="info">
            Rotated: the previous secret is still accepted until <When ms={k.webhookSecretRotatedUntil} />.
          </Msg>
        ) : null}
        <RotateForm csrf={p.csrf} kind="webhook" />
      </section>
      <section class="card" aria-labelledby="h-identity">
        <h2 id="h-identity">Identity secret</h2>
        <p>
          Your server signs a signed-in user's email with it, so that <code>edgescore('identify', …)</code> links the browser to that user's lead (see{" "}
          <a href="/dashboard/install#h-identity">Install</a>). Keep it on your server, never in a page.
        </p>
        {k?.identitySecret ? (
          <details>
            <summary>Show the identity secret</summary>
            <label for="identity-secret">Identity secret</label>
            <input id="identity-secret" type="text" readonly value={k.identitySecret} size={60} spellcheck={false} autocomplete="off" />
          </details>
        ) : null}
        <RotateForm csrf={p.csrf} kind="identity" />
      </section>
      <section class="card" aria-labelledby="h-sessions">
        <h2 id="h-sessions">Dashboard sessions</h2>
        <p>Signs out every browser signed in to this site's dashboard, this one included.</p>
        <PostButton action="/dashboard/logout-all" csrf={p.csrf} class="sec">
          Sign out everywhere
        </PostButton>
      </section>
    </Layout>
  );
}

export function RotateConfirmPage(p: { site: Site; csrf: string; kind: KeyKind; graceHours: number }) {
  return (
    <Layout title="Rotate a key" nav="keys" site={p.site} csrf={p.csrf}>
      <h1>Rotate the {TITLES[p.kind]}?</h1>
      <div class="card">
        <p>{CONSEQUENCE[p.kind]}</p>
        {p.kind === "webhook" ? (
          <p>
            The current secret stays valid for <b>{p.graceHours}</b> {p.graceHours === 1 ? "hour" : "hours"}.
          </p>
        ) : null}
        <form method="post" action="/dashboard/keys/rotate" class="row">
          <Csrf token={p.csrf} />
          <input type="hidden" name="key" value={p.kind} />
          {p.kind === "webhook" ? <input type="hidden" name="graceHours" value={String(p.graceHours)} /> : null}
          <input type="hidden" name="confirm" value="yes" />
          <button type="submit" class="danger">
            Yes, rotate the {TITLES[p.kind]}
          </button>
          <a class="btn sec" href="/dashboard/keys">
            Cancel
          </a>
        </form>
      </div>
    </Layout>
  );
}

/** The new value, once. After a secret-key rotation the session is gone: no navigation, a sign-in link. */
export function RotatedPage(p: { site: Site; csrf: string | null; kind: KeyKind; value: string; previousValidUntil?: number | null }) {
  const signedOut = p.kind === "secret";
  return (
    <Layout title="New key" nav={signedOut ? null : "keys"} site={signedOut ? null : p.site} csrf={p.csrf ?? undefined}>
      <h1>New {TITLES[p.kind]}</h1>
      <Msg kind="ok">The {TITLES[p.kind]} was rotated. Copy the new value now: it is not shown again.</Msg>
      <div class="card">
        <label for="new-key">New {TITLES[p.kind]}</label>
        <textarea id="new-key" rows={2} readonly spellcheck={false} autocomplete="off">
          {p.value}
        </textarea>
        <div class="row">
          <button type="button" data-copy="new-key" data-status="new-key-status" hidden>
            Copy
          </button>
          <span id="new-key-status" class="small" role="status" aria-live="polite"></span>
        </div>
        <h2>What to do next</h2>
        {p.kind === "secret" ? (
          <p>
            Replace the old key everywhere you call the admin API: it stopped working now. Every dashboard session of this site was signed out;{" "}
            <a href="/dashboard/login">sign in again with the new key</a>.
          </p>
        ) : p.kind === "webhook" ? (
          <p>
            Configure your webhook receiver to verify signatures with the new secret. Until <When ms={p.previousValidUntil} />, deliveries are also signed with the previous
            secret, so the receiver keeps working while you switch.
          </p>
        ) : (
          <p>
            Set the new value as the identity secret on your server (e.g. <code>IDENTITY_SECRET</code>) now: signatures made with the old one are refused, so identify calls are
            not verified until you do.
          </p>
        )}
        {signedOut ? null : (
          <p>
            <a href="/dashboard/keys">Back to the keys</a>
          </p>
        )}
      </div>
    </Layout>
  );
}
