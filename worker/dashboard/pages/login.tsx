import { Layout, Msg } from "../layout";

export function LoginPage(p: { error?: string | null; next?: string; signedOut?: "here" | "everywhere" | null }) {
  return (
    <Layout title="Sign in" nav={null}>
      <div class="card">
        <h1>Sign in to the dashboard</h1>
        {p.signedOut === "here" ? <Msg kind="ok">You are signed out.</Msg> : null}
        {p.signedOut === "everywhere" ? <Msg kind="ok">You are signed out on every browser.</Msg> : null}
        {p.error ? <Msg kind="err">{p.error}</Msg> : null}
        <form method="post" action="/dashboard/login">
          <label for="key">Site secret key</label>
          <p class="mut small" id="key-help">
            The <code>sk_…</code> key shown once when the site was created. It is checked once and not kept: this browser gets a session cookie that lasts 8 hours or until you sign out.
          </p>
          <div class="row">
            <input
              id="key"
              name="key"
              type="password"
              required
              autocomplete="current-password"
              autocapitalize="off"
              spellcheck={false}
              size={48}
              aria-describedby="key-help"
              autofocus
            />
            {p.next ? <input type="hidden" name="next" value={p.next} /> : null}
            <button type="submit">Sign in</button>
          </div>
        </form>
      </div>
    </Layout>
  );
}
