// Public types of the EdgeScore snippet (`/es.js`) and its ESM build (`/es.mjs`).

/** A promo code given to this visitor by the site's scoring model. */
export interface Promo {
  code: string;
  message: string;
}

/** A recommended product (`/v1/recommendations`). */
export interface Recommendation {
  id: string;
  name?: string | null;
  category?: string | null;
  price?: number | null;
  url?: string | null;
  image?: string | null;
  /** Why it is recommended: co-views, category or popularity. */
  reason?: string;
}

/** Personalization hints returned by `POST /v1/collect` and `/v1/hints`. Never personal data. */
export interface Hints {
  tier: string;
  promo: Promo | null;
  segments: string[];
  recommendations: Recommendation[];
  score?: number;
}

/** Event properties: strings are cut to 1,000 characters; the API takes one level of nesting. */
export type Props = Record<string, unknown>;

export interface Traits {
  email?: string;
  name?: string;
  phone?: string;
  [trait: string]: unknown;
}

export interface ProductView {
  id: string;
  name?: string;
  category?: string;
  price?: number;
  url?: string;
  image?: string;
  [k: string]: unknown;
}

/** Options of `identify`. */
export interface IdentifyOptions {
  /**
   * Proof, from the site's server, that this visitor owns `traits.email`: the
   * hex HMAC-SHA256 of the email, trimmed and lower-cased, under the site's
   * identity secret (64 hex chars). Without it an email that another lead
   * holds is only claimed, never merged into that lead.
   */
  signature?: string;
}

/** The `edgescore(...)` command function. It never throws. */
export interface EdgeScore {
  (cmd: "identify", traits: Traits, opts?: IdentifyOptions): void;
  (cmd: "track", name: string, props?: Props): void;
  (cmd: "chat" | "trial", props?: Props): void;
  (cmd: "product", product: ProductView): void;
  (cmd: "cart", item: { id: string; qty?: number; price?: number; [k: string]: unknown }): void;
  (cmd: "purchase", order: { order: string; value?: number; items?: unknown[]; [k: string]: unknown }): void;
  /** Grant (true) or withdraw (false) consent; withdrawing drops the queue and the stored ids. */
  (cmd: "consent", granted: boolean): void;
  /** `fn(hints)` now if hints are known, and on every change. */
  (cmd: "hints", fn: (hints: Hints) => void): void;
  /**
   * `fn(items)` from `/v1/recommendations` (an empty list on any failure).
   * Needs a personalizing build (`/es.personalize.js` or `es.mjs`); `/es.js` always answers [].
   */
  (cmd: "recommend", opts: { limit?: number; product?: string } | null | undefined, fn: (items: Recommendation[]) => void): void;
  /** Calls queued by the pre-load stub. */
  q?: ArrayLike<unknown>[];
}

/** Options of the ESM build's `init` (the same as the script tag's data attributes). */
export interface Options {
  /** The site's public key, `pk_…`. */
  site: string;
  /** Endpoint base without a trailing slash (e.g. a first-party proxy path); defaults to the page's origin. */
  api?: string;
  /** `"required"` (or true): send and store nothing until `edgescore('consent', true)`. */
  consent?: "required" | boolean;
  /** No persistent visitor id: memory and sessionStorage only. */
  cookieless?: boolean;
  /** History API / hash change page views; default true. */
  spa?: boolean;
  /** Honour `navigator.globalPrivacyControl` (send nothing when it is set). */
  gpc?: boolean;
  /**
   * Query parameters kept in the URLs the snippet sends, besides `utm_*`, `gclid`,
   * `fbclid`, `msclkid` and `ref` (every other parameter is dropped: it may be a
   * secret). The script tag's `data-keep-params="page,sort"`.
   */
  keepParams?: string[];
  /** Log every batch sent to the console (`data-debug`). */
  debug?: boolean;
  /**
   * Run under automation (navigator.webdriver) and for bot-like user agents
   * (`data-allow-automation`): for end-to-end tests of your pages; never in production.
   */
  allowAutomation?: boolean;
}

declare global {
  interface Window {
    edgescore?: EdgeScore;
  }
}
