// From wire events to stored events: trusted timestamps, a URL path for glob
// rules, the session each event belongs to, and in-batch duplicates removed.
import type { Traits, WireEvent } from "./schema";
import { scrubOptional } from "./url-privacy";

export const BROWSER_CLOCK_SKEW_MS = 10 * 60 * 1000;

export interface StoredEvent {
  id: string;
  type: WireEvent["type"];
  name: string | null;
  ts: number;
  url: string | null;
  path: string | null;
  ref: string | null;
  title: string | null;
  sessionId: string | null;
  props: Record<string, unknown> | null;
}

export type EventSource = "browser" | "server";

/**
 * Browser clocks are not trusted beyond ±10 minutes of the server clock; server
 * signals (email opens, imports) may be in the past but never in the future.
 */
export function clampTs(ts: number, now: number, source: EventSource): number {
  const hi = now + BROWSER_CLOCK_SKEW_MS;
  const lo = source === "browser" ? now - BROWSER_CLOCK_SKEW_MS : 0;
  return Math.min(hi, Math.max(lo, ts));
}

export function urlPath(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url, "http://relative.invalid").pathname;
  } catch {
    return null;
  }
}

export interface Normalized {
  events: StoredEvent[];
  /** Events repeated inside the same batch (same id): counted as duplicates. */
  repeated: number;
}

/**
 * `keepParams`: the site's extra query parameters to keep; every URL an event
 * carries (url, ref, and the referrer/url props) is scrubbed (url-privacy.ts).
 */
export function normalizeEvents(
  events: WireEvent[],
  session: string | undefined,
  now: number,
  source: EventSource,
  keepParams: readonly string[] = [],
): Normalized {
  const seen = new Set<string>();
  const out: StoredEvent[] = [];
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    const url = scrubOptional(e.url, keepParams);
    out.push({
      id: e.id,
      type: e.type,
      name: e.name ?? null,
      ts: clampTs(e.ts, now, source),
      url,
      path: urlPath(url),
      ref: scrubOptional(e.ref, keepParams),
      title: e.title ?? null,
      sessionId: e.session ?? session ?? null,
      props: e.props ? scrubProps(e.props, keepParams) : null,
    });
  }
  return { events: out, repeated: events.length - out.length };
}

// Props that hold URLs by convention (session_start's referrer, a product's url).
const URL_PROPS = ["referrer", "url", "ref", "landing", "href"];

function scrubProps(props: Record<string, unknown>, keepParams: readonly string[]): Record<string, unknown> {
  if (!URL_PROPS.some((k) => typeof props[k] === "string")) return props;
  const out = { ...props };
  for (const k of URL_PROPS) if (typeof out[k] === "string") out[k] = scrubOptional(out[k] as string, keepParams);
  return out;
}

/** Traits a batch sets: the body's `traits`, then each `identify` event's props, in order. */
export function batchTraits(events: StoredEvent[], traits: Traits | undefined): Traits {
  const out: Traits = { ...traits };
  for (const e of events) if (e.type === "identify" && e.props) Object.assign(out, primitivesOf(e.props));
  return out;
}

function primitivesOf(props: Record<string, unknown>): Traits {
  const out: Traits = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") out[k] = v;
  }
  return out;
}


const UTM = ["utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"] as const;

export interface SessionTouch {
  id: string;
  startedAt: number;
  lastSeen: number;
  referrer: string | null;
  landing: string | null;
  utm: Record<(typeof UTM)[number], string | null>;
  events: number;
  /** Distinct page paths viewed in this batch (promo evidence). */
  pages: string[];
}

/** What a batch tells about each session it touches (referrer and UTM from `session_start`). */
export function sessionTouches(events: StoredEvent[]): SessionTouch[] {
  const map = new Map<string, SessionTouch>();
  for (const e of events) {
    if (!e.sessionId) continue;
    let s = map.get(e.sessionId);
    if (!s) {
      s = {
        id: e.sessionId,
        startedAt: e.ts,
        lastSeen: e.ts,
        referrer: null,
        landing: null,
        utm: { utm_source: null, utm_medium: null, utm_campaign: null, utm_term: null, utm_content: null },
        events: 0,
        pages: [],
      };
      map.set(e.sessionId, s);
    }
    s.events++;
    s.startedAt = Math.min(s.startedAt, e.ts);
    s.lastSeen = Math.max(s.lastSeen, e.ts);
    if (e.type === "session_start") {
      const p = e.props ?? {};
      s.referrer ??= str(p.referrer) ?? e.ref;
      s.landing ??= e.url;
      const q = queryOf(e.url);
      for (const k of UTM) s.utm[k] ??= str(p[k]) ?? str(q?.get(k));
    }
    if (e.type === "page_view") {
      s.landing ??= e.url;
      if (e.path && s.pages.length < MAX_PAGES && !s.pages.includes(e.path)) s.pages.push(e.path);
    }
  }
  return [...map.values()];
}

/** Distinct pages kept per session: enough for any evidence threshold (≤ 20). */
const MAX_PAGES = 20;

const str = (v: unknown): string | null => (typeof v === "string" && v ? v.slice(0, 500) : null);

/** A URL's query, parsed once for all the keys read from it (null when there is no valid URL). */
export function queryOf(url: string | null): URLSearchParams | null {
  if (!url) return null;
  try {
    return new URL(url).searchParams;
  } catch {
    return null;
  }
}
