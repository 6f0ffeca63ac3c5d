// The snippet's core: storage, consent, the event queue and its transport,
// automatic capture, hints and the `edgescore(cmd, …)` dispatcher, in one
// closure (the budget is 2 KB gzip; pure helpers live in the other modules).
// `start` installs it as window.edgescore and replays the pre-load stub's calls.
//
// Storage keys (localStorage; sessionStorage when cookieless): es_v visitor id,
// es_s session "id.lastActivity", es_r failed bodies, es_c consent "1" / "0".
// Every value also lives in memory; storage is written only with consent (so
// nothing is stored before it) and may be blocked or full.
//
// Queue: events wait in memory (≤ 100 while consent is pending) and leave in
// batches of ≤ 20: 1 s after the first, at 20, and on page hide (sendBeacon).
//
// Off (no site key, a bot or automation unless data-allow-automation, or Global
// Privacy Control honoured): consent can never be given, so events stay in the
// (bounded) memory queue and nothing is sent or stored. Whenever it sends
// nothing (off, or consent not given) it says why in one console.info line, and
// it prints the worker's refusal (a 4xx's `error.message`, e.g. an origin not
// allowed); `data-debug` logs every batch it sends. The words are few: bytes.
//
// URLs (event url, ref, session_start referrer) leave the page only as url.ts
// cleans them; page views follow the cleaned URL. Hints on the page and
// `recommend` exist only in the personalizing builds (features.ts).
import { type Attr, isBot } from "./config";
import type { EdgeScore, Hints } from "./edgescore";
import { LAZY_FORMS, PERSONALIZE } from "./features";
import { onSubmit, type Track } from "./forms";
import { apply } from "./hints";
import { touch } from "./session";
import { recommend } from "./recommend";
import { addRetry, type Ev, retryable } from "./transport";
import { clean, keepList } from "./url";
import { call, cut, J, limit, uid, utm } from "./util";

/** `es`: installed; `t`: the tracker, for the forms part (features.ts). */
type Api = EdgeScore & { es?: 1; t?: Track };

/** `a`: the options (the script tag's dataset, see config.ts); `origin`: the default API base. */
export const start = (a: Attr, origin: string): EdgeScore => {
  const w = window;
  const d = document;
  const L = location;
  const n = navigator as Navigator & { globalPrivacyControl?: boolean };
  const h = history as History & Record<string, Function>;
  const prev = w.edgescore as Api | undefined;
  const site = a.site;
  const api = a.api || origin;
  const url = api + "/v1/collect";
  const kp = keepList(a.keepParams);
  // Every URL leaves the page through this (url.ts: secrets in queries and fragments stay home).
  const cl = (u: string) => clean(u, kp);
  const off = !site ? "no data-site" : a.allowAutomation == null && isBot(n) ? "automation or bot (data-allow-automation)" : a.gpc != null && n.globalPrivacyControl && "GPC";
  const log = (x: string) => console.info("EdgeScore: " + x);
  const m: Record<string, string> = {};
  const st = call(() => (a.cookieless != null ? sessionStorage : localStorage));
  // Storage first: another tab may have moved the session on.
  const g = (k: string) => (st && st.getItem(k)) || m[k];
  const s = (k: string, v: string) => (C && call(() => st!.setItem(k, v)), (m[k] = v));
  // Every listener is on window, capturing: events at the document and its
  // elements pass through window first (also non-bubbling ones).
  const on = (e: string, f: (e: any) => unknown) => w.addEventListener(e, (x) => call(f, x), true);
  // Consent: stored "1" (given) or "0" (withdrawn); otherwise given unless required.
  let C: unknown = g("es_c");
  let sid: string;
  let ref = cl(d.referrer);
  let last: string;
  let tm: any;
  let hs: string;
  let H: Hints | undefined;
  let F: unknown;
  // Subscribers; applying the hints to the page (when this build does) is the first.
  const subs: ((h: Hints) => void)[] = PERSONALIZE ? [apply] : [];
  const q: Ev[] = [];
  const vis = () => g("es_v") || s("es_v", uid());
  const retries = (): string[] => call(J.parse, g("es_r")) || [];
  const keep = (b: string) => s("es_r", J.stringify(addRetry(retries(), b)));
  const send = (b: string, beacon?: unknown) =>
    (a.debug != null && log("send " + b), beacon)
      ? call(() => n.sendBeacon(url, b)) || keep(b)
      : fetch(url, { method: "POST", body: b, keepalive: true })
          .then((r): unknown =>
            retryable(r.status)
              ? keep(b)
              : r.json().then((j) => {
                  const h = j.hints;
                  j.error && log(j.error.message);
                  // (hs is updated by the comparison)
                  if (h && hs != (hs = J.stringify(h))) {
                    H = h;
                    subs.forEach((f) => call(f, h));
                  }
                }),
          )
          // Network errors (and a 2xx that is not JSON): kept and resent, ids make it idempotent.
          .catch(() => keep(b));
  const flush = (beacon?: unknown) => {
    // A pending timer is left to run: it flushes what came since, still ≤ 1 s.
    tm = 0;
    if (C) while (q.length) send(J.stringify({ site, visitor: vis(), session: sid, events: q.splice(0, 20) }, limit), beacon);
  };
  const tr = (type: string, p?: unknown, name?: string, signature?: string, ts = Date.now()): void => {
    const i = touch(g("es_s"), ts);
    s("es_s", (sid = i || uid()) + "." + ts);
    // A new session (the stored one is missing or idle) starts with session_start.
    // (at the same ms: the server orders a lead's events by time, then arrival)
    if (!i) tr("session_start", utm(L.search, { referrer: cl(d.referrer) }), undefined, undefined, ts);
    if (q.push({ id: uid(), type, ts, url: cl(L.href), ref, title: d.title.slice(0, 500), name, props: cut(p), signature }) > 100) q.shift();
    q.length < 20 ? (tm = tm || setTimeout(flush, 1000)) : flush();
  };
  // A page view per change of the URL as sent: a new anchor (#section) is none, a hash route (#/…) is one.
  const pv = () => {
    const u = cl(L.href);
    if (u != last) {
      ref = last || ref;
      last = u;
      tr("page_view");
    }
  };
  const es = ((k: string, x?: any, f?: any) =>
    call(() => {
      // API commands that are plain events → their event type.
      const t = k == "trial" ? "trial_signup" : k == "product" ? "product_view" : /^(identify|chat|cart|purchase)$/.test(k) && k;
      t
        ? tr(t, x, undefined, f && f.signature)
        : k == "track"
          ? x && tr("custom", f, x)
          : k == "hints"
            ? (subs.push(x), H && call(x, H))
            : k == "recommend"
              ? // Builds without it answer [] so a page never waits.
                PERSONALIZE
                ? recommend(api, site, C && vis(), x, f)
                : call(f, [])
              : k == "consent" &&
                !off &&
                (x
                  ? // Given: store the choice and the session (the only value kept before consent).
                    ((C = 1), s("es_c", "1"), s("es_s", m.es_s!), flush())
                  : // Withdrawn: drop the queue and the stored ids; remember the choice.
                    ((q.length = 0), s("es_v", ""), s("es_s", ""), s("es_r", ""), s("es_c", "0"), (C = 0)));
    })) as Api;
  if (prev && prev.es) return prev;
  C = !off && (C == "1" || (a.consent == null && C != "0"));
  C || log("off, " + (off || "no consent"));
  es.es = 1;
  w.edgescore = es;
  // Tiered elements stay hidden until the tier is known, also those parsed or
  // rendered later (the observer only watches added nodes).
  if (PERSONALIZE) {
    const ap = () => call(apply, H);
    ap();
    new MutationObserver(ap).observe(d, { childList: true, subtree: true });
  }
  if (C) {
    // Batches that failed on earlier pages.
    // (sends are asynchronous: a failure is kept after the list is cleared)
    retries().map((b) => send(b));
    s("es_r", "[]");
  }
  pv();
  if (a.spa != "off") {
    ["pushState", "replaceState"].forEach((k) => {
      const o = h[k]!;
      // Called as history.pushState(…); both return undefined. (pv ignores its argument.)
      h[k] = (...x: unknown[]) => call(pv, o.apply(h, x));
    });
    on("popstate", pv);
    on("hashchange", pv);
  }
  if (LAZY_FORMS) {
    // The part (es.forms.js) registers onSubmit with this tracker.
    es.t = tr;
    const lf = () => F || (F = call(() => d.head.appendChild(Object.assign(d.createElement("script"), { src: origin + "/es.forms.js" }))));
    d.querySelector("[data-es-event]") && lf();
    on("focusin", (e: Event) => (e.target as Element).closest("[data-es-event]") && lf());
  } else on("submit", onSubmit(tr));
  on("click", (e: Event) => {
    const el = (e.target as Element).closest<HTMLElement>("[data-es-chat]");
    if (el) tr("chat", { label: el.dataset.esChat || el.textContent });
  });
  on("pagehide", flush); // the event: a truthy `beacon`
  on("visibilitychange", () => d.hidden && flush(1));
  ((prev && prev.q) || []).map((x) => es(...(x as [any])));
  return es;
};
