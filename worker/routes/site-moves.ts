// POST /v1/admin/sites/:id/move {"to": n} and GET …/move (operator token):
// moving a site to another shard while it stays live (worker/shards/move.ts).
// The request starts the move and drives it within its waitUntil budget; the
// cron carries on with whatever is left.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { requireOperator } from "../http/auth";
import { readJson } from "../http/body";
import { badRequest, notFound } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { moveStep, startMove } from "../shards/move";
import { allShards, directory } from "../shards/shards";
import { siteShard, type MoveRow } from "../store/shards";

export const siteMoves = new Hono<AppEnv>();

const moveBody = z.object({ to: z.int().check(z.gte(0), z.lte(15)) });
const DRIVE_MS = 20_000;

const view = (r: MoveRow) => ({ site: r.id, shard: r.shard, moving: r.move_state ? { to: r.move_to, phase: r.move_state } : null });

siteMoves.post("/:id/move", requireOperator, async (c) => {
  const body = parseOrThrow(moveBody, await readJson(c), "move body");
  const shards = allShards(c.env).length;
  if (body.to >= shards) throw badRequest("The move body is invalid; see issues.", [{ path: "to", message: `no such shard (this deployment has ${shards})` }]);
  const row = await startMove(c.env, c.req.param("id"), body.to);
  const id = row.id;
  c.executionCtx.waitUntil(
    (async () => {
      const start = Date.now();
      while (Date.now() - start < DRIVE_MS) if ((await moveStep(c.env, id, Date.now())) !== "more") break;
    })(),
  );
  return c.json(view(row), 202);
});

siteMoves.get("/:id/move", requireOperator, async (c) => {
  const row = await siteShard(directory(c.env), c.req.param("id")).first<MoveRow>();
  if (!row) throw notFound("Site");
  return c.json(view(row));
});
