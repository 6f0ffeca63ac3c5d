// The page frame and the small building blocks every page uses. hono/jsx escapes
// every text and attribute value; nothing here uses raw HTML, so lead data
// (names, URLs, props) always renders as text.
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { CSS_PATH, JS_PATH } from "./assets";
import { CSRF_FIELD } from "./csrf";

export type Nav = "leads" | "models" | "review" | "alerts" | "install" | "keys" | "setup" | null;

const NAV: [Exclude<Nav, null>, string, string][] = [
  ["leads", "Leads", "/dashboard/"],
  ["models", "Models", "/dashboard/models"],
  ["review", "Review", "/dashboard/review"],
  ["alerts", "Alerts", "/dashboard/alerts"],
  ["install", "Install", "/dashboard/install"],
  ["keys", "Keys", "/dashboard/keys"],
  ["setup", "Setup", "/dashboard/setup"],
];

// The doctype is the only raw HTML in the dashboard: a constant (standards mode).
const DOCTYPE = raw("<!doctype html>");

export function Doc(props: { title: string; children: Child; script?: boolean }) {
  return (
    <>
      {DOCTYPE}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="referrer" content="same-origin" />
          <title>{props.title}</title>
          <link rel="stylesheet" href={CSS_PATH} />
          {props.script === false ? null : <script src={JS_PATH} defer></script>}
        </head>
        <body>{props.children}</body>
      </html>
    </>
  );
}

export function Layout(props: { title: string; nav: Nav; site?: { name: string } | null; csrf?: string; children: Child }) {
  return (
    <Doc title={`${props.title} · EdgeScore`}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <div class="in">
          <a class="brand" href={props.site ? "/dashboard/" : "/"}>
            EdgeScore
          </a>
          {props.site ? (
            <nav aria-label="Dashboard">
              {NAV.map(([id, label, href]) => (
                <a href={href} aria-current={props.nav === id ? "page" : undefined}>
                  {label}
                </a>
              ))}
            </nav>
          ) : null}
          {props.site && props.csrf ? (
            <div class="who">
              <span>{props.site.name}</span>
              <PostButton action="/dashboard/logout" csrf={props.csrf}>
                Sign out
              </PostButton>
              <PostButton action="/dashboard/logout-all" csrf={props.csrf} title="Ends every dashboard session of this site, on every browser">
                Sign out everywhere
              </PostButton>
            </div>
          ) : null}
        </div>
      </header>
      <main id="main" tabindex={-1}>
        {props.children}
      </main>
    </Doc>
  );
}

export const Csrf = (p: { token: string }) => <input type="hidden" name={CSRF_FIELD} value={p.token} />;

/** A one-button form that POSTs with the session's CSRF token. */
export function PostButton(p: { action: string; csrf: string; class?: string; title?: string; children: Child }) {
  return (
    <form method="post" action={p.action}>
      <Csrf token={p.csrf} />
      <button type="submit" class={p.class} title={p.title}>
        {p.children}
      </button>
    </form>
  );
}

/** The second step of a destructive action: confirm (POST with `confirm=yes`) or go back. */
export function ConfirmForm(p: { action: string; csrf: string; cancel: string; children: Child }) {
  return (
    <form method="post" action={p.action} class="row">
      <Csrf token={p.csrf} />
      <input type="hidden" name="confirm" value="yes" />
      <button type="submit" class="danger">
        {p.children}
      </button>
      <a class="btn sec" href={p.cancel}>
        Cancel
      </a>
    </form>
  );
}

export function Msg(p: { kind: "ok" | "err" | "info"; children: Child }) {
  return (
    <div class={`msg ${p.kind}`} role={p.kind === "err" ? "alert" : "status"}>
      {p.children}
    </div>
  );
}

/** Tier names are the model's own: the top tier is red, the others amber, cold blue. */
export function tierClass(tier: string, tiers?: string[]): string {
  if (tier === "disqualified") return "t-dq";
  if (tier === "cold") return "t-cold";
  if (tiers && tiers.length && tiers[tiers.length - 1] !== tier) return "t-mid";
  if (!tiers && tier !== "hot") return "t-mid";
  return "t-top";
}

export const TierBadge = (p: { tier: string; tiers?: string[] }) => <span class={`badge ${tierClass(p.tier, p.tiers)}`}>{p.tier}</span>;

/** A horizontal bar as inline SVG (no inline styles: the CSP forbids them). */
export function Bar(p: { value: number; max: number; kind?: "fit" | "int" | "any"; label: string }) {
  const max = p.max > 0 ? p.max : 1;
  const v = Math.max(0, Math.min(max, Math.abs(p.value)));
  const w = Math.round((1000 * v) / max) / 10;
  return (
    <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label={p.label}>
      <rect class="bg" width="100" height="10" rx="2" />
      <rect class={p.value < 0 ? "neg" : (p.kind ?? "any")} width={String(w)} height="10" rx="2" />
    </svg>
  );
}

export function fmtNum(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return String(Math.round(n * 10 ** digits) / 10 ** digits);
}

export function isoTime(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  try {
    return new Date(ms).toISOString();
  } catch {
    return null;
  }
}

export function ago(ms: number, now = Date.now()): string {
  const s = Math.round((now - ms) / 1000);
  if (s < 30) return "just now";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A timestamp: UTC text with a machine-readable datetime (the script adds local time as a tooltip). */
export function When(p: { ms: number | null | undefined; relative?: boolean }) {
  const iso = isoTime(p.ms);
  if (!iso || p.ms == null) return <span class="mut">—</span>;
  const text = p.relative ? ago(p.ms) : iso.slice(0, 16).replace("T", " ") + " UTC";
  return <time datetime={iso}>{text}</time>;
}

/** Lead-supplied URLs: a link only when it is http(s), otherwise plain text. */
export function SafeLink(p: { href: string | null | undefined; max?: number }) {
  if (!p.href) return <span class="mut">—</span>;
  const max = p.max ?? 80;
  const text = p.href.length > max ? p.href.slice(0, max - 1) + "…" : p.href;
  let ok = false;
  try {
    const u = new URL(p.href);
    ok = u.protocol === "http:" || u.protocol === "https:";
  } catch {
    ok = false;
  }
  return ok ? (
    <a href={p.href} rel="noopener noreferrer nofollow">
      {text}
    </a>
  ) : (
    <span>{text}</span>
  );
}

/**
 * A lead's name for people: its name or email, else a short readable label for
 * an anonymous visitor ("Visitor from LV · #3f2a", "Anonymous #3f2a"); the id's
 * last characters tell two anonymous leads apart.
 */
export function leadLabel(l: { name?: string | null; email?: string | null; id: string; country?: string | null }): string {
  if (l.name || l.email) return (l.name || l.email)!;
  const tail = "#" + l.id.slice(-4);
  return l.country ? `Visitor from ${l.country} · ${tail}` : `Anonymous ${tail}`;
}

/** What the code adds to the score (DOMAIN step 5; worker/scoring/engine.ts). */
export const CODE_HELP =
  "Code = lead type × 1000 (the model's leadType digit, e.g. 1 small, 2 mid, 3 large business) + must-haves met × 100 + the score (at most 99): 2389 is a mid-size business meeting 3 must-haves with a score of 89.";

/** The code only says more than the score with a lead type or must-haves; otherwise it is the score again. */
export const codeAddsInfo = (x: { code: number; score: number }) => x.code !== Math.min(x.score, 99);

export function jsonText(v: unknown, max = 300): string {
  let s: string;
  try {
    s = typeof v === "string" ? v : JSON.stringify(v);
  } catch {
    s = String(v);
  }
  if (s === undefined) s = "";
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}
