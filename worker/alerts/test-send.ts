// The trigger test button (issue 14): a sample alert through a trigger's channel, right now,
// the way a real alert goes (same body, signature, URL policy, email binding), but outside the
// outbox: nothing is stored and nothing is retried. The answer is the receiver's status only.
import type { Model } from "../scoring/model";
import { channelOf, type ChannelKind } from "../scoring/channels";
import { webhookSecretsOf } from "../store/sites";
import { ATTEMPT_TIMEOUT_MS } from "./deliver";
import { sendOnce, type SendEnv } from "./send";
import { signingSecrets, type AlertPayload } from "./sign";

export interface TestResult {
  trigger: string;
  channel: ChannelKind;
  /** true when the receiver (or the email binding) accepted the sample. */
  delivered: boolean;
  /** The receiver's HTTP status, when it answered (null for email and for no answer). */
  status: number | null;
  /** A reason from the closed list (README "What a failed attempt records"), null when delivered. */
  error: string | null;
}

export function samplePayload(siteId: string, modelName: string, model: Model, triggerId: string, now: number): AlertPayload {
  const tiers = Object.entries(model.tiers);
  const [tier, min] = tiers[tiers.length - 1] ?? ["hot", 30];
  const why = model.rules
    .filter((r) => r.points > 0)
    .sort((a, b) => b.points - a.points)
    .slice(0, 3)
    .map((r) => ({ rule: r.id, points: r.points, hits: 1 }));
  return {
    id: `al_test_${now.toString(36)}`,
    site: siteId,
    model: modelName,
    trigger: triggerId,
    lead: { id: "ld_sample", email: "sam@example.com", identity: "verified", name: "Sam Buyer (test)", phone: "+1 555 0199", score: Math.max(min, 0), tier, code: Math.min(99, Math.round(min)) },
    events: [{ type: "page_view", name: null, url: null, ts: now }],
    ts: now,
    why,
    vehicle: { year: "2026", make: "Aurora", model: "Aurora SUV" },
  };
}

/** null when the model has no such trigger. */
export async function testTrigger(env: SendEnv, siteId: string, modelName: string, model: Model, triggerId: string, now: number): Promise<TestResult | "no_destination" | null> {
  const t = model.triggers.find((x) => x.id === triggerId);
  if (!t) return null;
  const channel = channelOf(t);
  const url = channel && "url" in channel ? channel.url : t.webhook;
  if (!channel && !url) return "no_destination";
  const s = await webhookSecretsOf(env.directory ?? env.DB, siteId);
  const secrets = s ? signingSecrets({ secret: s.secret, prev: s.secret_prev, prevUntil: s.secret_prev_until }, now) : [];
  const r = await sendOnce(env, { siteId, channel, url, secrets }, samplePayload(siteId, modelName, model, triggerId, now), ATTEMPT_TIMEOUT_MS);
  return { trigger: triggerId, channel: channel?.channel ?? "webhook", delivered: r.reason === null, status: r.status, error: r.reason };
}
