// The model editor's test buttons (issue 14): one per trigger of the saved model, each sending
// a sample alert through the trigger's channel (POST /v1/admin/models/:name/triggers/:id/test),
// and the page that shows the receiver's answer (status only).
import type { TestResult } from "../../alerts/test-send";
import { Csrf, Layout, Msg } from "../layout";
import type { ModelDetail } from "../types";

const LABEL: Record<string, string> = { webhook: "webhook", email: "email", slack: "Slack", teams: "Teams", google_chat: "Google Chat", discord: "Discord" };

interface RawTrigger {
  id?: unknown;
  channel?: unknown;
}

/** The saved model's triggers (the test sends through what is stored, not the unsaved text). */
export function TriggerTests(p: { name: string; model: ModelDetail | null; csrf: string }) {
  const doc = p.model?.document as { triggers?: RawTrigger[] } | undefined;
  const triggers = (Array.isArray(doc?.triggers) ? doc.triggers : []).filter((t): t is { id: string; channel?: unknown } => !!t && typeof t.id === "string");
  if (!triggers.length) return null;
  return (
    <section class="card" aria-labelledby="h-trigger-tests" id="trigger-tests">
      <h2 id="h-trigger-tests">Test the alerts</h2>
      <p class="mut small">Sends a sample alert (Sam Buyer, test) through the saved trigger's channel now, and shows the receiver's answer. Nothing is stored.</p>
      <ul>
        {triggers.map((t) => (
          <li>
            <form method="post" action={`/dashboard/models/${encodeURIComponent(p.name)}/triggers/${encodeURIComponent(t.id)}/test`} class="row">
              <Csrf token={p.csrf} />
              <code>{t.id}</code> <span class="mut">({LABEL[typeof t.channel === "string" ? t.channel : "webhook"] ?? "webhook"})</span>{" "}
              <button type="submit" class="sec" aria-label={`Send a test alert through trigger ${t.id}`}>
                Send a test
              </button>
            </form>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TriggerTestResultPage(p: { site: { name: string }; csrf: string; name: string; trigger: string; result: TestResult | null; error: string | null }) {
  const r = p.result;
  const back = `/dashboard/models/${encodeURIComponent(p.name)}#trigger-tests`;
  return (
    <Layout title={`Test of ${p.trigger}`} nav="models" site={p.site} csrf={p.csrf}>
      <p class="small">
        <a href={back}>← Model {p.name}</a>
      </p>
      <h1>
        Test of trigger <code>{p.trigger}</code>
      </h1>
      {r ? (
        <Msg kind={r.delivered ? "ok" : "err"}>
          {r.delivered
            ? `Delivered through ${LABEL[r.channel] ?? r.channel}${r.status !== null ? `: the receiver answered HTTP ${r.status}` : ": the email was accepted"}.`
            : `Not delivered through ${LABEL[r.channel] ?? r.channel}: ${r.error}.`}
        </Msg>
      ) : (
        <Msg kind="err">{p.error}</Msg>
      )}
    </Layout>
  );
}
