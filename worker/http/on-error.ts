// Hono's onError: the SPEC error shape for known errors; anything else is logged
// without request data and answered 500 — unless the request's site is being
// fenced out of its shard (a move is switching it: shards/move.ts), which refuses
// every write of its rows there. That is told by data, the fence row, not by the
// database's error text, and answered 503 site_moving so the caller retries.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { siteMoving } from "../shards/site-db";
import { fencedHere } from "../store/leads/guard";
import { ApiError, errorBody, errorResponse } from "./errors";

export async function onError(err: Error, c: Context<AppEnv>): Promise<Response> {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (await fencedOut(c)) return errorResponse(c, siteMoving());
  // Never log bodies, keys or personal data: only the route and the error's own text.
  console.error(`unhandled error on ${c.req.method} ${c.req.routePath}: ${err.name}: ${err.message}`);
  return c.json(errorBody("internal", "Something went wrong on our side; retry later."), 500);
}

async function fencedOut(c: Context<AppEnv>): Promise<boolean> {
  const db = c.get("db");
  const siteId = c.get("siteId");
  if (!db || !siteId) return false;
  try {
    return (await fencedHere(db, siteId).first<{ fenced: number }>())?.fenced === 1;
  } catch {
    return false;
  }
}
