// Dashboard sessions, stored server-side so they can be revoked. The cookie carries
// only a random session id (256 bits); the table keeps its SHA-256, so a leaked
// database row cannot be replayed as a cookie. Each session has its own random CSRF
// token and a fixed 8-hour lifetime. Signing out deletes the row; rotating the
// secret key (worker/sites/sites.ts) deletes every session of the site.
import { randomToken, sha256Hex } from "../lib/crypto";
import { toSite, type Site } from "../sites/sites";
import * as store from "../store/sites";

export const SESSION_TTL_MS = 8 * 3600 * 1000;

/** 32 random bytes in base64url: exactly 43 characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface NewSession {
  /** Goes into the cookie, never stored. */
  id: string;
  csrf: string;
  expiresAt: number;
}

export interface Session {
  idHash: string;
  site: Site;
  csrf: string;
  expiresAt: number;
}

export async function createSession(db: D1Database, siteId: string, now: number): Promise<NewSession> {
  const s: NewSession = { id: randomToken(32), csrf: randomToken(32), expiresAt: now + SESSION_TTL_MS };
  // The site's own expired rows go in the same round trip: the table stays small even without the cron.
  await db.batch([
    store.deleteExpiredSiteSessions(db, siteId, now),
    store.insertSession(db, { id_hash: await sha256Hex(s.id), site_id: siteId, csrf: s.csrf, created_at: now, expires_at: s.expiresAt }),
  ]);
  return s;
}

/** The live session and its site for a cookie value; an expired row is deleted on sight. */
export async function resolveSession(db: D1Database, id: string, now: number): Promise<Session | null> {
  if (!SESSION_ID.test(id)) return null;
  const idHash = await sha256Hex(id);
  const row = await store.sessionWithSite(db, idHash);
  if (!row) return null;
  if (row.session_expires <= now) {
    await revokeSession(db, idHash);
    return null;
  }
  return { idHash, site: toSite(row)!, csrf: row.session_csrf, expiresAt: row.session_expires };
}

export async function revokeSession(db: D1Database, idHash: string): Promise<void> {
  await store.deleteSession(db, idHash).run();
}

/** "Sign out everywhere": every session of the site, this one included. */
export async function revokeSiteSessions(db: D1Database, siteId: string): Promise<number> {
  const r = await store.deleteSiteSessions(db, siteId).run();
  return r.meta.changes;
}

/** For the cron (worker/scheduled.ts): deletes every expired session; returns how many. */
export async function purgeExpiredSessions(db: D1Database, now: number): Promise<number> {
  const r = await store.deleteExpiredSessions(db, now).run();
  return r.meta.changes;
}
