// Configuration. The core reads options with the script tag's semantics, from
// the tag's `dataset` (data-site, data-api, data-consent, data-cookieless,
// data-spa, data-gpc, data-keep-params) or from the ESM options mapped to the
// same shape: `a.site`, `a.api`, `a.consent != null` (documented as
// data-consent="required"; any value requires consent), `a.cookieless != null`,
// `a.spa == "off"`, `a.gpc != null` (documented as data-gpc="honor": honour
// Global Privacy Control), `a.keepParams` (query parameter names, see url.ts),
// `a.debug != null` (log each batch sent), `a.allowAutomation != null` (run
// under automation / for bots: end-to-end tests only).
import type { Options } from "./edgescore";

export interface Attr {
  [k: string]: string | null | undefined;
}

/** ESM options → the script tag's `dataset` shape. */
export const fromOptions = (o: Options): Attr => ({
  site: o.site,
  api: o.api,
  consent: o.consent ? "required" : null,
  cookieless: o.cookieless ? "" : null,
  spa: o.spa === false ? "off" : null,
  gpc: o.gpc ? "honor" : null,
  keepParams: (o.keepParams || []).join(),
  debug: o.debug ? "" : null,
  allowAutomation: o.allowAutomation ? "" : null,
});

/** Automation (navigator.webdriver) or a crawler / headless user agent. */
export const isBot = (n: { webdriver?: boolean; userAgent: string }): boolean =>
  n.webdriver || /bot|crawl|spider|slurp|headless|lighthouse/i.test(n.userAgent);
