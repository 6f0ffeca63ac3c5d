import { Doc } from "../layout";

export interface DemoSite {
  key: string;
  name: string;
  secretKey: string;
}

const DEMOS: Record<string, { path: string; title: string; tryThis: string; alerts?: { href: string; label: string }[] }> = {
  shop: {
    path: "/demo/shop/",
    title: "Shop",
    tryThis: "Warm at 15 points, hot at 40. A visit is +3, each product viewed +4, add to cart +10: two products and a cart make you warm and a promo code appears; paying at checkout records a conversion.",
  },
  dealer: {
    path: "/demo/dealer/",
    title: "Car dealer",
    tryThis: "Warm at 15 points, hot at 30. The “car I'm interested in” form is +10, an email open +3 and click +7, the directions page +20: at 30 points a test-drive alert fires, as a signed webhook, a Slack message and two emails (one for sales, one ADF/XML lead for the dealer's CRM).",
    // The local receiver (scripts/receiver.mjs) started by `npm start`.
    alerts: [
      { href: "http://localhost:8788/inbox", label: "Alert emails: rendered and as ADF/XML" },
      { href: "http://localhost:8788/", label: "Slack-style message and webhook" },
    ],
  },
  saas: {
    path: "/demo/saas/",
    title: "SaaS",
    tryThis: "Warm at 25 points, hot at 60. Pricing +10, chat +8, a trial +25; company size 11-200 or 200+ +25 and a founder/CFO/finance role +25 (from the trial form): a CFO's trial is 75, hot.",
  },
};

export function LandingPage(p: { demos: DemoSite[] }) {
  return (
    <Doc title="EdgeScore — lead scoring at the edge" script={false}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="in">
          <a class="brand" href="/">
            EdgeScore
          </a>
          <nav aria-label="Site">
            <a href="/dashboard/login">Dashboard</a>
          </nav>
        </div>
      </header>
      <main id="main" tabindex={-1}>
        <h1>EdgeScore: lead scoring at the edge</h1>
        <p>
          Paste one script tag. EdgeScore captures sessions, page visits, chats, trial signups and product views, scores every lead for <b>fit</b> (who they are) and{" "}
          <b>interest</b> (what they do) against your models, personalizes your pages with tiers, promo codes and recommendations, and alerts sales the moment a lead turns hot.
        </p>
        {p.demos.length ? (
          <>
            <h2>Try the local demos</h2>
            <div class="grid">
              {p.demos.map((d) => {
                const info = DEMOS[d.key];
                return (
                  <section class="card" aria-labelledby={`demo-${d.key}`}>
                    <h3 id={`demo-${d.key}`}>{info?.title ?? d.name}</h3>
                    {info ? (
                      <p>
                        <a href={info.path}>Open {info.path}</a>
                      </p>
                    ) : null}
                    {info ? <p class="small">{info.tryThis}</p> : null}
                    {info?.alerts ? (
                      <ul class="small">
                        {info.alerts.map((l) => (
                          <li>
                            <a href={l.href}>{l.label}</a>
                          </li>
                        ))}
                      </ul>
                    ) : null}
                    <form method="post" action="/dashboard/login">
                      <input type="hidden" name="key" value={d.secretKey} />
                      <button type="submit">Open the dashboard as {info?.title ?? d.name}</button>
                    </form>
                  </section>
                );
              })}
            </div>
            <p class="small mut">These demo sites and their keys exist only in this local run (<code>npm start</code>).</p>
          </>
        ) : (
          <div class="card">
            <h2>How it works</h2>
            <ol>
              <li>Create a site and paste its snippet into your pages.</li>
              <li>Describe what a good lead looks like: categories with maxima, rules with points, must-haves and disqualifiers.</li>
              <li>Watch leads rank hot to cold, see why each scored what it did, and review the model against real conversions every 30 days.</li>
            </ol>
            <p>
              <a class="btn" href="/dashboard/login">
                Sign in to the dashboard
              </a>
            </p>
          </div>
        )}
      </main>
    </Doc>
  );
}
