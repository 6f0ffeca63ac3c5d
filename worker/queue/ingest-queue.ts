// Queue ingest mode (INGEST_MODE = "queue", `wrangler deploy --env queue`):
// /v1/collect validates, authorizes and enqueues; the consumer writes. Beyond
// what one D1 database takes as one transaction per request, this batches the
// writes per lead: every message of a queue batch for the same visitor becomes
// one ingest (one read batch, one write batch), so a lead that sends 10 beacons
// in a few seconds costs 1 D1 transaction, not 10, and concurrent requests for
// one lead stop contending for its version guard.
import type { Bindings } from "../env";
import { ingest, type IngestSite } from "../ingest/ingest";
import type { Traits, WireEvent } from "../ingest/schema";
import { onSiteShard } from "../shards/site-db";

export interface IngestMessage {
  /** The site's id, shard and URL/catalog rules: secrets and keys never travel through the queue. */
  site: IngestSite & { shard?: number };
  visitor: string;
  session?: string | undefined;
  events: WireEvent[];
  traits?: Traits | undefined;
  country: string | null;
  /** When the Worker received the request: browser clocks are clamped against it. */
  receivedAt: number;
  /** The email a signed identify proved: checked by the producer, which holds the identity secret. */
  verifiedEmail?: string | null;
  /** The connecting client's salted hash (promo caps). */
  client?: string | null;
}

interface Group {
  site: IngestSite;
  shard: number;
  visitor: string;
  messages: Message<IngestMessage>[];
}

/** Messages of one batch grouped per (site, visitor), in arrival order. */
export function groupByLead(messages: readonly Message<IngestMessage>[]): Group[] {
  const groups = new Map<string, Group>();
  for (const m of messages) {
    const key = `${m.body.site.id}\u0000${m.body.visitor}`;
    // Messages enqueued before sites carried their URL and catalog rules have only the id.
    const site = { id: m.body.site.id, origins: m.body.site.origins ?? [], catalogHosts: m.body.site.catalogHosts ?? [], keepParams: m.body.site.keepParams ?? [], conversionEvents: m.body.site.conversionEvents };
    const g = groups.get(key) ?? { site, shard: m.body.site.shard ?? 0, visitor: m.body.visitor, messages: [] };
    g.messages.push(m);
    groups.set(key, g);
  }
  return [...groups.values()];
}

export async function consumeIngest(batch: MessageBatch<IngestMessage>, env: Bindings): Promise<void> {
  await Promise.all(
    groupByLead(batch.messages).map(async (g) => {
      try {
        // Each message keeps its own session; traits merge in order. Timestamps
        // were clamped against each request's own receive time by the producer.
        const events = g.messages.flatMap((m) => m.body.events.map((e) => ({ ...e, session: e.session ?? m.body.session })));
        const traits = Object.assign({}, ...g.messages.map((m) => m.body.traits ?? {})) as Traits;
        const last = g.messages[g.messages.length - 1]!.body;
        // On the site's shard as the producer saw it; a move since is followed (site-db.ts).
        await onSiteShard(env, { id: g.site.id, shard: g.shard }, (db) => ingest(db, {
          site: g.site,
          source: "browser",
          visitor: g.visitor,
          email: null,
          session: last.session,
          events,
          traits,
          country: last.country,
          now: Math.max(...g.messages.map((m) => m.body.receivedAt)),
          // A proof in any message of the group holds for the group's email if it is that email.
          verifiedEmail: g.messages.map((m) => m.body.verifiedEmail ?? null).findLast((e) => e !== null) ?? null,
          client: last.client ?? null,
        }));
        for (const m of g.messages) m.ack();
      } catch (err) {
        // The queue redelivers with backoff; event ids make the retry idempotent.
        console.error(`ingest queue: ${g.messages.length} message(s) for one lead failed: ${err instanceof Error ? err.message : String(err)}`);
        for (const m of g.messages) m.retry({ delaySeconds: 5 });
      }
    }),
  );
}
