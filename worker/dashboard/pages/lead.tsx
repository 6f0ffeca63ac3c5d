import type { Child } from "hono/jsx";
import { qs } from "../api";
import { Bar, CODE_HELP, codeAddsInfo, ConfirmForm, Csrf, fmtNum, jsonText, Layout, leadLabel, Msg, SafeLink, TierBadge, When } from "../layout";
import type { LeadDetail, ModelScore } from "../types";
// Older rows hold free text (a receiver's error page); only the closed list of reasons is shown.
import { readReason } from "../../alerts/reasons";

export interface LeadView {
  site: { name: string };
  csrf: string;
  detail: LeadDetail;
  model: string | null;
  /** Tier names per model, ascending. */
  tiers: Record<string, string[]>;
  notice?: Child;
}

export function LeadPage(v: LeadView) {
  const { lead, scores } = v.detail;
  const label = leadLabel(lead);
  const current = scores.find((s) => s.model === v.model) ?? scores.find((s) => s.primary) ?? scores[0] ?? null;
  const path = `/dashboard/leads/${encodeURIComponent(lead.id)}`;
  return (
    <Layout title={label} nav="leads" site={v.site} csrf={v.csrf}>
      <p class="small">
        <a href={"/dashboard/" + qs({ model: current?.model })}>← All leads</a>
      </p>
      <h1>{label}</h1>
      {v.notice}
      <ClaimNotice lead={lead} csrf={v.csrf} />
      <div class="grid">
        <section class="card" aria-labelledby="h-contact">
          <h2 id="h-contact">Contact</h2>
          <dl class="kv">
            <dt>Email</dt>
            <dd>
              {lead.email ?? "—"}
              {lead.identity === "verified" && lead.email ? <span class="mut small"> (verified)</span> : null}
            </dd>
            {lead.claimedEmail ? (
              <>
                <dt>Claimed email</dt>
                <dd>
                  {lead.claimedEmail} <span class="badge unv">unverified</span>
                </dd>
              </>
            ) : null}
            <dt>Name</dt>
            <dd>{lead.name ?? "—"}</dd>
            <dt>Phone</dt>
            <dd>{lead.phone ?? "—"}</dd>
            <dt>Country</dt>
            <dd>{lead.country ?? "—"}</dd>
            <dt>First seen</dt>
            <dd>
              <When ms={lead.firstSeen} />
            </dd>
            <dt>Last seen</dt>
            <dd>
              <When ms={lead.lastSeen} />
            </dd>
            <dt>Events</dt>
            <dd>{lead.eventCount}</dd>
            <dt>Converted</dt>
            <dd>{lead.converted ? <When ms={lead.convertedAt} /> : "no"}</dd>
            <dt>Lead id</dt>
            <dd>
              <code>{lead.id}</code>
            </dd>
          </dl>
        </section>
        <section class="card" aria-labelledby="h-traits">
          <h2 id="h-traits">Traits</h2>
          {Object.keys(lead.traits).length === 0 ? (
            <p class="mut">No traits yet.</p>
          ) : (
            <dl class="kv">
              {Object.entries(lead.traits).map(([k, val]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{jsonText(val, 200)}</dd>
                </>
              ))}
            </dl>
          )}
        </section>
      </div>

      <h2 id="h-score">Why this score</h2>
      {scores.length === 0 ? <p class="card mut">No scoring model yet.</p> : null}
      {scores.length > 1 ? (
        <nav class="tabs" aria-label="Models">
          {scores.map((s) => (
            <a href={path + qs({ model: s.model })} aria-current={s.model === current?.model ? "page" : undefined}>
              {s.model}
              {s.primary ? " (primary)" : ""}
            </a>
          ))}
        </nav>
      ) : null}
      {current ? <Breakdown s={current} tiers={v.tiers[current.model] ?? []} /> : null}

      <section aria-labelledby="h-timeline">
        <h2 id="h-timeline">Timeline</h2>
        {v.detail.timeline.length === 0 ? (
          <p class="mut">No events.</p>
        ) : (
          <div class="scroll">
            <table class="cards">
              <caption class="mut small">Newest first{v.detail.timeline.length >= 200 ? " (the latest 200 events)" : ""}.</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Page</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {v.detail.timeline.map((e) => (
                  <tr>
                    <td class="first">
                      <When ms={e.ts} />
                    </td>
                    <td data-label="Event">
                      <code>{e.type}</code>
                      {e.name ? <div class="small">{e.name}</div> : null}
                    </td>
                    <td data-label="Page">
                      {e.title ? <div>{jsonText(e.title, 120)}</div> : null}
                      <div class="small">
                        <SafeLink href={e.url} />
                      </div>
                    </td>
                    <td data-label="Details" class="small">{e.props ? <code>{jsonText(e.props, 240)}</code> : <span class="mut">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="h-sessions">
        <h2 id="h-sessions">Sessions</h2>
        {v.detail.sessions.length === 0 ? (
          <p class="mut">No sessions.</p>
        ) : (
          <div class="scroll">
            <table class="cards">
              <thead>
                <tr>
                  <th scope="col">Started</th>
                  <th scope="col">Referrer</th>
                  <th scope="col">Landing page</th>
                  <th scope="col">UTM source / medium / campaign</th>
                  <th scope="col">Country</th>
                  <th scope="col" class="num">
                    Events
                  </th>
                </tr>
              </thead>
              <tbody>
                {v.detail.sessions.map((s) => (
                  <tr>
                    <td class="first">
                      <When ms={s.started_at} />
                    </td>
                    <td data-label="Referrer" class="small">
                      <SafeLink href={s.referrer} max={60} />
                    </td>
                    <td data-label="Landing page" class="small">
                      <SafeLink href={s.landing} max={60} />
                    </td>
                    <td data-label="UTM" class="small">{[s.utm_source, s.utm_medium, s.utm_campaign].map((x) => x ?? "—").join(" / ")}</td>
                    <td data-label="Country">{s.country ?? "—"}</td>
                    <td data-label="Events" class="num">{s.events}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="h-alerts">
        <h2 id="h-alerts">Alerts</h2>
        {v.detail.alerts.length === 0 ? (
          <p class="mut">No alerts for this lead.</p>
        ) : (
          <div class="scroll">
            <table class="cards">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Model / trigger</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Attempts
                  </th>
                  <th scope="col">Delivered / last error</th>
                </tr>
              </thead>
              <tbody>
                {v.detail.alerts.map((a) => (
                  <tr>
                    <td class="first">
                      <When ms={a.created_at} />
                    </td>
                    <td data-label="Trigger">
                      {a.model} / <b>{a.trigger_id}</b>
                      {a.crossing > 1 ? <span class="mut small"> (crossing {a.crossing})</span> : null}
                    </td>
                    <td data-label="Status">
                      <span class={`badge s-${a.status}`}>{a.status.replace("_", " ")}</span>
                    </td>
                    <td data-label="Attempts" class="num">{a.attempts}</td>
                    <td data-label="Delivered / error" class="small">{a.delivered_at ? <When ms={a.delivered_at} /> : (readReason(a.last_error).lastError ?? "—")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="h-conv">
        <h2 id="h-conv">Conversions</h2>
        {v.detail.conversions.length === 0 ? (
          <p class="mut">No conversion recorded.</p>
        ) : (
          <ul>
            {v.detail.conversions.map((c) => (
              <li>
                <When ms={c.ts} />
                {c.value !== null ? ` — value ${fmtNum(c.value)}` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" aria-labelledby="h-erase">
        <h2 id="h-erase">Erase this lead</h2>
        <p>Deletes the lead, its events, sessions and personal data (right to be forgotten). You will be asked to confirm.</p>
        <form method="post" action={`${path}/erase`}>
          <Csrf token={v.csrf} />
          <button type="submit" class="danger">
            Erase this lead…
          </button>
        </form>
      </section>
    </Layout>
  );
}

type Holder = NonNullable<LeadDetail["lead"]["claimHolder"]>;

/**
 * A browser claimed an email (unverified). When another lead holds that email, the
 * owner may merge this lead into it, after a confirm step: the claim alone never
 * merges anything.
 */
function ClaimNotice(p: { lead: LeadDetail["lead"]; csrf: string }) {
  const { lead } = p;
  if (!lead.claimedEmail) return null;
  const holder = lead.claimHolder && lead.claimHolder.id !== lead.id ? lead.claimHolder : null;
  return (
    <div class="msg info" role="status" id="claim">
      <p>
        This visitor claimed to be <b>{lead.claimedEmail}</b>
        {holder ? (
          <>
            , which belongs to <a href={`/dashboard/leads/${encodeURIComponent(holder.id)}`}>{leadLabel(holder)}</a>
          </>
        ) : null}
        . Claims are not verified{holder ? ": merge only if you know they are the same person." : "."}
      </p>
      {holder ? (
        <form method="post" action={`/dashboard/leads/${encodeURIComponent(lead.id)}/merge`}>
          <Csrf token={p.csrf} />
          <button type="submit" class="sec">
            Merge into that lead…
          </button>
        </form>
      ) : null}
    </div>
  );
}

export function MergeConfirmPage(p: { site: { name: string }; csrf: string; id: string; label: string; claimedEmail: string; holder: Holder; error?: string | null }) {
  const path = `/dashboard/leads/${encodeURIComponent(p.id)}`;
  const holderLabel = leadLabel(p.holder);
  return (
    <Layout title="Merge lead" nav="leads" site={p.site} csrf={p.csrf}>
      <h1>
        Merge {p.label} into {holderLabel}?
      </h1>
      {p.error ? <Msg kind="err">{p.error}</Msg> : null}
      <div class="card">
        <p>
          This visitor claimed to be <b>{p.claimedEmail}</b>. Nothing verified that claim: anyone can type any email into a page. Merge only if you know that <b>{p.label}</b>{" "}
          and <a href={`/dashboard/leads/${encodeURIComponent(p.holder.id)}`}>{holderLabel}</a> are the same person.
        </p>
        <p>This lead's activity joins {holderLabel}, and this lead is gone. It cannot be undone.</p>
        <ConfirmForm action={`${path}/merge`} csrf={p.csrf} cancel={path}>
          Yes, merge into {holderLabel}
        </ConfirmForm>
      </div>
    </Layout>
  );
}

function Breakdown(p: { s: ModelScore; tiers: string[] }) {
  const s = p.s;
  const cats = Object.entries(s.categories);
  const fitMax = cats.filter(([, c]) => c.kind === "fit").reduce((a, [, c]) => a + c.max, 0);
  const intMax = cats.filter(([, c]) => c.kind === "interest").reduce((a, [, c]) => a + c.max, 0);
  const scoring = s.rules.filter((r) => !r.must && !r.disqualify);
  const dqs = s.rules.filter((r) => r.disqualify);
  return (
    <div class="card" aria-labelledby="h-score">
      <div class="figs">
        <div>
          <span class="mut small">Tier</span>
          <b>
            <TierBadge tier={s.tier} tiers={p.tiers} />
          </b>
        </div>
        <div>
          <span class="mut small">Score</span>
          <b>{fmtNum(s.score, 0)}</b>
        </div>
        <div>
          <span class="mut small">Fit</span>
          <b>
            {fmtNum(s.fit, 0)}
            <span class="mut small"> / {fmtNum(fitMax)}</span>
          </b>
        </div>
        <div>
          <span class="mut small">Interest</span>
          <b>
            {fmtNum(s.interest, 0)}
            <span class="mut small"> / {fmtNum(intMax)}</span>
          </b>
        </div>
        {codeAddsInfo(s) ? (
          <div title={CODE_HELP}>
            <span class="mut small">Code</span>
            <b>
              <code>{s.code}</code>
            </b>
          </div>
        ) : null}
        <div>
          <span class="mut small">Readiness</span>
          <b>{s.readiness}%</b>
        </div>
      </div>
      <p class="small mut">
        Model <b>{s.model}</b> v{s.version}
        {s.primary ? " (primary)" : ""}. {s.upToDate ? "" : "Rescoring under the latest version is in progress; figures are recomputed now from the stored state. "}
        Tiers: {["cold", ...p.tiers].join(" → ")}.{codeAddsInfo(s) ? ` ${CODE_HELP}` : ""}
      </p>
      {s.disqualified ? (
        <Msg kind="err">
          Disqualified by <b>{s.disqualifiedBy.join(", ")}</b>: score 0, no alerts or promos.
        </Msg>
      ) : !s.qualified ? (
        <Msg kind="info">A must-have is not met: the lead stays {["cold", ...p.tiers][0]} whatever its behaviour.</Msg>
      ) : null}

      <h3>Categories against their maxima</h3>
      <div class="scroll">
        <table class="cards">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Kind</th>
              <th scope="col" class="num">
                Points now / max
              </th>
              <th scope="col">
                <span class="mut">Share of max</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {cats.map(([id, c]) => (
              <tr>
                <th scope="row">{id}</th>
                <td data-label="Kind">{c.kind}</td>
                <td data-label="Now / max" class="num">
                  {fmtNum(c.value)} / {fmtNum(c.max)}
                </td>
                <td data-label="Of max">
                  <Bar value={c.value} max={c.max} kind={c.kind === "fit" ? "fit" : "int"} label={`${id}: ${fmtNum(c.value)} of ${fmtNum(c.max)}`} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Rules</h3>
      <div class="scroll">
        <table class="cards" aria-label="Rules: hits and points now">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Category</th>
              <th scope="col" class="num">
                Points per hit
              </th>
              <th scope="col" class="num">
                Hits
              </th>
              <th scope="col" class="num">
                Points now
              </th>
              <th scope="col">
                <span class="mut">Against category max</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {scoring.map((r) => {
              const max = r.category ? (s.categories[r.category]?.max ?? 0) : 0;
              return (
                <tr>
                  <th scope="row">
                    <code>{r.id}</code>
                  </th>
                  <td data-label="Category">{r.category ?? "—"}</td>
                  <td data-label="Points per hit" class="num">
                    {r.points > 0 ? "+" : ""}
                    {fmtNum(r.points)}
                    {r.limit ? (
                      <div class="mut small">
                        max {r.limit.times}× per {r.limit.per}
                      </div>
                    ) : null}
                  </td>
                  <td data-label="Hits" class="num">{r.hits}</td>
                  <td data-label="Points now" class="num">
                    <b>{fmtNum(r.pointsNow)}</b>
                  </td>
                  <td data-label="Of max">
                    <Bar
                      value={r.pointsNow}
                      max={max}
                      kind={r.kind === "fit" ? "fit" : "int"}
                      label={`${r.id}: ${fmtNum(r.pointsNow)} of the category's ${fmtNum(max)}`}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      <div class="grid">
        <div>
          <h3>Must-haves</h3>
          {s.mustHaves.length === 0 ? (
            <p class="mut">None in this model.</p>
          ) : (
            <ul>
              {s.mustHaves.map((r) => (
                <li>
                  <code>{r.id}</code>: {r.met ? <span class="yes">✓ met</span> : <span class="no">✗ not met</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <h3>Disqualifiers</h3>
          {dqs.length === 0 ? (
            <p class="mut">None in this model.</p>
          ) : (
            <ul>
              {dqs.map((r) => (
                <li>
                  <code>{r.id}</code>: {s.disqualifiedBy.includes(r.id) ? <span class="no">matches: disqualified</span> : <span class="yes">does not match</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
        {s.promos.length ? (
          <div>
            <h3>Promos</h3>
            <p>{s.promos.join(", ")}</p>
          </div>
        ) : null}
      </div>
    </div>
  );
}

export function EraseConfirmPage(p: { site: { name: string }; csrf: string; id: string; label: string; events: number; error?: string | null }) {
  const path = `/dashboard/leads/${encodeURIComponent(p.id)}`;
  return (
    <Layout title="Erase lead" nav="leads" site={p.site} csrf={p.csrf}>
      <h1>Erase {p.label}?</h1>
      {p.error ? <Msg kind="err">{p.error}</Msg> : null}
      <div class="card">
        <p>
          This permanently deletes the lead <b>{p.label}</b>, its {p.events} events, its sessions, scores and personal data. It cannot be undone.
        </p>
        <ConfirmForm action={`${path}/erase`} csrf={p.csrf} cancel={path}>
          Yes, erase permanently
        </ConfirmForm>
      </div>
    </Layout>
  );
}
