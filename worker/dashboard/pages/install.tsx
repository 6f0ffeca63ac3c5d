import { Layout } from "../layout";

/** The script tag a site pastes into every page. */
export const snippetTag = (origin: string, publicKey: string) => `<script async src="${origin}/es.js" data-site="${publicKey}"></script>`;

/** Text to paste, in a read-only box with a copy button (the button appears once the page's script runs). */
export function CopyBox(p: { id: string; label: string; button: string; text: string; rows: number; status?: string }) {
  const status = p.status ?? `${p.id}-status`;
  return (
    <>
      <label for={p.id}>{p.label}</label>
      <textarea id={p.id} rows={p.rows} readonly spellcheck={false}>
        {p.text}
      </textarea>
      <div class="row">
        <button type="button" data-copy={p.id} data-status={status} hidden>
          {p.button}
        </button>
        <span id={status} class="small" role="status" aria-live="polite"></span>
      </div>
    </>
  );
}

/** The site's script tag in a copy box. */
export const SnippetBox = (p: { siteName: string; tag: string; rows: number }) => (
  <CopyBox id="snippet" label={`Snippet for ${p.siteName}`} button="Copy the snippet" text={p.tag} rows={p.rows} status="copy-status" />
);

export function InstallPage(p: { site: { name: string; publicKey: string; origins: string[] }; csrf: string; origin: string }) {
  const tag = snippetTag(p.origin, p.site.publicKey);
  const stub = `<script>window.edgescore=window.edgescore||function(){(edgescore.q=edgescore.q||[]).push(arguments)}</script>`;
  return (
    <Layout title="Install" nav="install" site={p.site} csrf={p.csrf}>
      <h1>Install the snippet</h1>
      <section class="card" aria-labelledby="h-tag">
        <h2 id="h-tag">1. Paste this tag into every page</h2>
        <p>
          Before <code>&lt;/head&gt;</code> or at the end of <code>&lt;body&gt;</code>. It loads asynchronously and never blocks rendering.
        </p>
        <SnippetBox siteName={p.site.name} tag={tag} rows={3} />
        <p class="small">
          Personalizing the page (<code>data-es-tier</code>, <code>data-es-promo</code>, <code>edgescore('recommend', …)</code>)? Load{" "}
          <code>/es.personalize.js</code> instead of <code>/es.js</code>: the same tracking plus the page personalization, a little larger.
        </p>
        <p class="small mut">
          Public key <code>{p.site.publicKey}</code> (safe to publish). Pages may send events only from the site's allowed origins:{" "}
          {p.site.origins.length ? p.site.origins.map((o, i) => <>{i ? ", " : ""}<code>{o}</code></>) : "none yet"}.
        </p>
      </section>
      <section class="card" aria-labelledby="h-attrs">
        <h2 id="h-attrs">Optional attributes</h2>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Attribute</th>
                <th scope="col">Effect</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td><code>data-api="https://…"</code></td>
                <td>Endpoint base, for a first-party proxy.</td>
              </tr>
              <tr>
                <td><code>data-consent="required"</code></td>
                <td>Send nothing until <code>edgescore('consent', true)</code>.</td>
              </tr>
              <tr>
                <td><code>data-cookieless</code></td>
                <td>No persistent visitor id (memory and sessionStorage only).</td>
              </tr>
              <tr>
                <td><code>data-spa="off"</code></td>
                <td>No history (single-page app) tracking.</td>
              </tr>
              <tr>
                <td><code>data-debug</code></td>
                <td>Log every batch sent to the browser console. Whenever the snippet sends nothing it says why there anyway (one line).</td>
              </tr>
              <tr>
                <td><code>data-allow-automation</code></td>
                <td>Run under Playwright, Cypress or another automated browser (off by default: automation and bots send nothing). For test pages only.</td>
              </tr>
              <tr>
                <td><code>data-gpc="honor"</code></td>
                <td>Send nothing when the browser sets Global Privacy Control.</td>
              </tr>
              <tr>
                <td><code>data-keep-params="page,sort"</code></td>
                <td>Query parameters to keep in the URLs sent, besides <code>utm_*</code>, <code>gclid</code>, <code>fbclid</code>, <code>msclkid</code> and <code>ref</code> (every other parameter, such as a token or an email, is dropped).</td>
              </tr>
            </tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="h-stub">
        <h2 id="h-stub">2. Optional: call the API before the script has loaded</h2>
        <CopyBox id="stub" label="Queueing stub (place before your calls)" button="Copy the stub" text={stub} rows={2} />
        <pre class="small">{`edgescore('identify', { email: 'sam@example.com', name: 'Sam' });
edgescore('track', 'email_signup');
edgescore('hints', function (h) { console.log(h.tier, h.promo); });`}</pre>
        <p class="small">
          Mark forms with <code>data-es-event="trial_signup"</code>, chat buttons with <code>data-es-chat</code>, promo slots with <code>data-es-promo</code> and tier-only
          content with <code>data-es-tier="warm hot"</code>.
        </p>
      </section>
      <section class="card" aria-labelledby="h-identity">
        <h2 id="h-identity">3. Verified identity</h2>
        <p>
          A browser <code>identify</code> is only a claim: anyone can type any email into a page, so a claim never merges into a lead that already holds that email. To link a
          signed-in user's browser to their lead, sign the email on your server and pass the signature:
        </p>
        <pre class="small">{`edgescore('identify', { email }, { signature });`}</pre>
        <p>
          <code>signature</code> is the hex HMAC-SHA256 of the lower-cased, trimmed email, keyed with your identity secret (on the <a href="/dashboard/keys">Keys</a> page; keep
          it on your server, never in a page). In Node:
        </p>
        <pre class="small">{`const signature = crypto
  .createHmac('sha256', IDENTITY_SECRET)
  .update(email.trim().toLowerCase())
  .digest('hex');`}</pre>
      </section>
    </Layout>
  );
}
