import type { Child } from "hono/jsx";
import { qs } from "../api";
import { Bar, CODE_HELP, codeAddsInfo, fmtNum, Layout, leadLabel, Msg, TierBadge, When } from "../layout";
import type { LeadListItem } from "../types";

export interface LeadsView {
  site: { name: string };
  csrf: string;
  models: string[];
  model: string | null;
  /** The model's tier names, ascending. */
  tiers: string[];
  fitMax: number;
  interestMax: number;
  filters: { tier: string; q: string; cursor: string };
  leads: LeadListItem[];
  next: string | null;
  error: string | null;
  notice: Child;
}

/** A browser's identity claim, as text: "claims x@y" and, while unverified, an "unverified" marker. */
export function ClaimMarks(p: { identity?: string | null | undefined; claimedEmail?: string | null | undefined }) {
  if (!p.claimedEmail && p.identity !== "claimed") return null;
  return (
    <div>
      {p.claimedEmail ? <span class="claim">claims {p.claimedEmail}</span> : null}
      {p.identity === "claimed" ? (
        <span class="badge unv" title="The email came from a browser and is not verified">
          unverified
        </span>
      ) : null}
    </div>
  );
}

export function LeadsPage(v: LeadsView) {
  // The CODE column only where it says more than the score (a lead type or must-haves).
  const showCode = v.leads.some(codeAddsInfo);
  return (
    <Layout title="Leads" nav="leads" site={v.site} csrf={v.csrf}>
      <h1>Leads, hot to cold</h1>
      {v.notice}
      <form class="card row" method="get" action="/dashboard/" role="search" aria-label="Filter leads">
        <div>
          <label for="f-model">Model</label>
          <select id="f-model" name="model">
            {v.models.length === 0 ? <option value="">(no model yet)</option> : null}
            {v.models.map((m) => (
              <option value={m} selected={m === v.model}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-tier">Tier</label>
          <select id="f-tier" name="tier">
            <option value="">All tiers</option>
            {[...v.tiers].reverse().concat(["cold", "disqualified"]).map((t) => (
              <option value={t} selected={t === v.filters.tier}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-q">Search email or name</label>
          <input id="f-q" name="q" type="search" value={v.filters.q} maxlength={200} />
        </div>
        <div>
          <button type="submit">Show</button>
        </div>
      </form>
      {v.error ? <Msg kind="err">{v.error}</Msg> : null}
      {v.models.length === 0 ? (
        <Msg kind="info">
          No scoring model yet: leads are listed unscored. <a href="/dashboard/models">Create a model</a> to rank them, or start from a template on the{" "}
          <a href="/dashboard/setup">Setup</a> page.
        </Msg>
      ) : null}
      {v.leads.length === 0 && !v.error ? (
        <p class="card">
          No leads match. {v.filters.q || v.filters.tier ? <a href={"/dashboard/" + qs({ model: v.model })}>Clear the filters</a> : <a href="/dashboard/install">Install the snippet</a>}
          {v.filters.q || v.filters.tier ? "." : " to start collecting leads."}
        </p>
      ) : null}
      {v.leads.length > 0 ? (
        <table class="cards" aria-label={`Leads ranked by ${v.model ?? "score"}`}>
          <thead>
            <tr>
              <th scope="col">Lead</th>
              <th scope="col">Tier</th>
              <th scope="col" class="num">
                Score
              </th>
              <th scope="col">Fit</th>
              <th scope="col">Interest</th>
              {showCode ? (
                <th scope="col" class="num" title={CODE_HELP}>
                  Code<span aria-hidden="true">*</span>
                </th>
              ) : null}
              <th scope="col" class="num">
                Readiness
              </th>
              <th scope="col">Last seen</th>
            </tr>
          </thead>
          <tbody>
            {v.leads.map((l) => (
              <tr>
                <td class="first">
                  <a class="lead-name" href={`/dashboard/leads/${encodeURIComponent(l.id)}${qs({ model: v.model })}`}>
                    {leadLabel(l)}
                  </a>
                  {l.name && l.email ? <div class="mut small">{l.email}</div> : null}
                  <ClaimMarks identity={l.identity} claimedEmail={l.claimedEmail} />
                </td>
                <td data-label="Tier">
                  <TierBadge tier={l.tier} tiers={v.tiers} />
                </td>
                <td data-label="Score" class="num">
                  <b>{fmtNum(l.score, 0)}</b>
                </td>
                <td data-label="Fit">
                  <span class="small">
                    {fmtNum(l.fit, 0)} / {fmtNum(v.fitMax)}
                  </span>
                  <Bar value={l.fit} max={v.fitMax} kind="fit" label={`fit ${fmtNum(l.fit, 0)} of ${fmtNum(v.fitMax)}`} />
                </td>
                <td data-label="Interest">
                  <span class="small">
                    {fmtNum(l.interest, 0)} / {fmtNum(v.interestMax)}
                  </span>
                  <Bar value={l.interest} max={v.interestMax} kind="int" label={`interest ${fmtNum(l.interest, 0)} of ${fmtNum(v.interestMax)}`} />
                </td>
                {showCode ? (
                  <td data-label="Code" class="num">
                    <code>{l.code}</code>
                  </td>
                ) : null}
                <td data-label="Readiness" class="num">
                  {l.readiness}%
                </td>
                <td data-label="Last seen">
                  <When ms={l.lastSeen} relative />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {v.leads.length > 0 && showCode ? (
        <p class="small mut" id="code-help">
          * {CODE_HELP}
        </p>
      ) : null}
      <nav class="pager" aria-label="Pages">
        {v.filters.cursor ? <a href={"/dashboard/" + qs({ model: v.model, tier: v.filters.tier, q: v.filters.q })}>← First page</a> : null}
        {v.next ? (
          <a href={"/dashboard/" + qs({ model: v.model, tier: v.filters.tier, q: v.filters.q, cursor: v.next })} rel="next">
            Next page →
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
