// /v1/admin/keys (secret key): the keys a site owner may read again (public key,
// identity secret) and the rotation of every secret. A new secret is returned once;
// the SQL lives in worker/sites/sites.ts.
import { Hono } from "hono";
import * as z from "zod/mini";
import type { AppEnv } from "../env";
import { badRequest } from "../http/errors";
import { readJson } from "../http/body";
import { parseOrThrow } from "../http/validate";
import { rotateIdentitySecret, rotateSecretKey, rotateWebhookSecret, type KeysInfo, type RotatedKey } from "../sites/sites";

const HOUR_MS = 3600_000;
const DEFAULT_GRACE_HOURS = 24;

const rotateBody = z.strictObject({
  key: z.enum(["secret", "webhook", "identity"]),
  graceHours: z.optional(z.int().check(z.gte(0), z.lte(168))),
});

export const keysRoutes = new Hono<AppEnv>();

// Never the secret key (only its hash exists) nor the webhook secrets (shown once at rotation).
keysRoutes.get("/", (c) => {
  const site = c.get("site");
  const until = site.webhookSecretPrevUntil;
  return c.json({
    publicKey: site.publicKey,
    identitySecret: site.identitySecret,
    webhookSecretRotatedUntil: site.webhookSecretPrev !== null && until !== null && until > Date.now() ? until : null,
  } satisfies KeysInfo);
});

keysRoutes.post("/rotate", async (c) => {
  const body = parseOrThrow(rotateBody, await readJson(c), "rotation");
  const site = c.get("site");
  const db = c.env.DB;
  switch (body.key) {
    case "secret":
      if (body.graceHours !== undefined) throw graceOnlyForWebhook();
      return c.json({ secretKey: await rotateSecretKey(db, site.id) } satisfies RotatedKey["secret"]);
    case "identity":
      if (body.graceHours !== undefined) throw graceOnlyForWebhook();
      return c.json({ identitySecret: await rotateIdentitySecret(db, site.id) } satisfies RotatedKey["identity"]);
    case "webhook": {
      const r = await rotateWebhookSecret(db, site.id, (body.graceHours ?? DEFAULT_GRACE_HOURS) * HOUR_MS, Date.now());
      return c.json({ webhookSecret: r.webhookSecret, previousValidUntil: r.previousValidUntil } satisfies RotatedKey["webhook"]);
    }
  }
});

// The old secret key and identity secret stop at once (a leaked key must not keep working).
const graceOnlyForWebhook = () =>
  badRequest("The rotation is invalid; see issues.", [{ path: "graceHours", message: 'applies only to key "webhook": the secret key and identity secret stop at once' }]);
