import type { Child } from "hono/jsx";
import { qs } from "../api";
import { Csrf, Layout, leadLabel, Msg, SafeLink, When } from "../layout";
import type { AlertItem, AlertStatus } from "../types";

const CHANNEL_LABEL: Record<string, string> = { webhook: "Webhook", email: "Email", slack: "Slack", teams: "Teams", google_chat: "Google Chat", discord: "Discord" };

// Failed first: the ones that need the owner.
const STATUSES: AlertStatus[] = ["failed", "pending", "delivered", "no_webhook"];

export function AlertsPage(p: {
  site: { name: string };
  csrf: string;
  alerts: AlertItem[];
  next: string | null;
  status: string;
  cursor: string;
  state: "ok" | "missing" | "error";
  error?: string | null;
  notice?: Child;
}) {
  return (
    <Layout title="Alerts" nav="alerts" site={p.site} csrf={p.csrf}>
      <h1>Alerts</h1>
      {p.notice}
      <nav class="tabs" aria-label="Filter by status">
        <a href="/dashboard/alerts" aria-current={p.status === "" ? "page" : undefined}>
          All
        </a>
        {STATUSES.map((s) => (
          <a href={"/dashboard/alerts" + qs({ status: s })} aria-current={p.status === s ? "page" : undefined}>
            {s.replace("_", " ")}
          </a>
        ))}
      </nav>
      {p.state === "missing" ? (
        <Msg kind="info">This deployment does not list alerts yet (<code>GET /v1/admin/alerts</code>); each lead's page shows its alerts.</Msg>
      ) : null}
      {p.state === "error" ? <Msg kind="err">{p.error}</Msg> : null}
      {p.state === "ok" && p.alerts.length === 0 ? <p class="card">No alerts{p.status ? ` with status ${p.status.replace("_", " ")}` : ""}. A trigger in a model writes one when a lead crosses its condition.</p> : null}
      {p.alerts.length ? (
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">Lead</th>
              <th scope="col">Trigger</th>
              <th scope="col">Channel</th>
              <th scope="col">Status</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Created</th>
              <th scope="col">Details</th>
              <th scope="col">
                <span class="mut">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.alerts.map((a) => (
              <tr>
                <td class="first">
                  <a href={`/dashboard/leads/${encodeURIComponent(a.lead.id)}`}>{leadLabel(a.lead)}</a>
                </td>
                <td data-label="Trigger">
                  {a.model} / <b>{a.trigger}</b>
                </td>
                <td data-label="Channel">
                  {CHANNEL_LABEL[a.channel] ?? a.channel}
                  {a.to ? <div class="mut small">{a.to.join(", ")}</div> : null}
                </td>
                <td data-label="Status">
                  <span class={`badge s-${a.status}`}>{a.status.replace("_", " ")}</span>
                </td>
                <td data-label="Attempts" class="num">
                  {a.attempts}
                </td>
                <td data-label="Created">
                  <When ms={a.createdAt} />
                </td>
                <td data-label="Details" class="small">
                  {a.deliveredAt ? (
                    <>
                      delivered <When ms={a.deliveredAt} />
                    </>
                  ) : a.lastError ? (
                    a.lastError
                  ) : a.nextAttemptAt ? (
                    <>
                      next attempt <When ms={a.nextAttemptAt} />
                    </>
                  ) : (
                    "—"
                  )}
                  {a.webhook ? (
                    <div class="mut">
                      <SafeLink href={a.webhook} max={50} />
                    </div>
                  ) : null}
                </td>
                <td data-label="Action">
                  {a.status === "failed" ? (
                    <form method="post" action={`/dashboard/alerts/${encodeURIComponent(a.id)}/retry`}>
                      <Csrf token={p.csrf} />
                      <button type="submit" class="sec" aria-label={`Retry alert ${a.trigger} for ${leadLabel(a.lead)}`}>
                        Retry
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {p.cursor ? <a href={"/dashboard/alerts" + qs({ status: p.status })}>← Newest</a> : null}
        {p.next ? (
          <a href={"/dashboard/alerts" + qs({ status: p.status, cursor: p.next })} rel="next">
            Older →
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
