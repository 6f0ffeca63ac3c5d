// The 30-day review (DOMAIN.md step 7) from GET /v1/admin/report, rendered from the
// report's own type (worker/report/report.ts): a renamed field fails the typecheck.
import { qs } from "../api";
import { fmtNum, Layout, leadLabel, Msg, TierBadge } from "../layout";
import type { Report } from "../types";
import type { SourceSort } from "../../report/sources";
import { SourcesSection } from "./review-sources";
import { SuggestedAction, SuggestedRules } from "./review-suggested";

export interface HistBin {
  label: string;
  converted: number;
  notConverted: number;
}

export function histogram(r: Report): HistBin[] {
  return r.histogram.bins.map((b) => ({ label: `${fmtNum(b.from, 0)}–${fmtNum(b.to, 0)}`, converted: b.converted, notConverted: b.notConverted }));
}

type RuleFigures = Report["rules"][number];
type LeadList = Report["lowScorersConverted"];

const pct = (x: number | null) => (x === null ? "—" : `${Math.round(x * 100)}%`);

/** Grouped bars: each group's share of its own leads per score bin (so 5 converted and 500 not compare). */
export function HistogramChart(p: { bins: HistBin[] }) {
  const bins = p.bins;
  const t1 = bins.reduce((a, b) => a + b.converted, 0) || 1;
  const t0 = bins.reduce((a, b) => a + b.notConverted, 0) || 1;
  const share = bins.map((b) => [b.converted / t1, b.notConverted / t0] as const);
  const top = Math.max(0.01, ...share.flat());
  const W = 480;
  const H = 220;
  const L = 40;
  const B = 30;
  const plotH = H - B - 10;
  const slot = (W - L - 6) / Math.max(1, bins.length);
  const bw = Math.max(2, slot / 2 - 2);
  const y = (v: number) => 10 + plotH - (plotH * v) / top;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="hist-title hist-desc">
      <title id="hist-title">Score histogram, converted vs not converted</title>
      <desc id="hist-desc">
        {bins.map((b) => `${b.label}: ${b.converted} converted, ${b.notConverted} not`).join("; ")}
      </desc>
      <line class="axis" x1={L} y1={10 + plotH} x2={W - 4} y2={10 + plotH} />
      <text x="2" y="14">
        {Math.round(top * 100)}%
      </text>
      <text x="2" y={10 + plotH}>
        0%
      </text>
      {bins.map((b, i) => {
        const x = L + i * slot + 2;
        const [s1, s0] = share[i]!;
        return (
          <g>
            <rect class="c1" x={x.toFixed(1)} y={y(s1).toFixed(1)} width={bw.toFixed(1)} height={(10 + plotH - y(s1)).toFixed(1)}>
              <title>{`${b.label}: ${b.converted} converted (${Math.round(s1 * 100)}%)`}</title>
            </rect>
            <rect class="c0" x={(x + bw + 1).toFixed(1)} y={y(s0).toFixed(1)} width={bw.toFixed(1)} height={(10 + plotH - y(s0)).toFixed(1)}>
              <title>{`${b.label}: ${b.notConverted} not converted (${Math.round(s0 * 100)}%)`}</title>
            </rect>
            {bins.length <= 6 || i % Math.ceil(bins.length / 6) === 0 ? (
              <text x={(x + bw).toFixed(1)} y={H - 12} text-anchor="middle">
                {b.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}

export function LiftChart(p: { rules: RuleFigures[] }) {
  const rows = p.rules.filter((l): l is RuleFigures & { lift: number } => l.lift !== null).slice(0, 30);
  const W = 480;
  const rowH = 24;
  const L = 130;
  const H = rows.length * rowH + 24;
  const max = Math.max(2, ...rows.map((r) => r.lift));
  const x = (v: number) => L + ((W - L - 50) * Math.max(0, v)) / max;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="lift-title">
      <title id="lift-title">Rule lift (conversion rate of leads with the rule over the rate without; 1 = no effect)</title>
      {rows.map((r, i) => (
        <g>
          <text x="0" y={i * rowH + 17}>
            {r.id.length > 16 ? r.id.slice(0, 15) + "…" : r.id}
          </text>
          <rect class={r.lift >= 1 ? "pos" : "negb"} x={L} y={i * rowH + 4} width={Math.max(1, x(r.lift) - L).toFixed(1)} height="16">
            <title>{`${r.id}: lift ${fmtNum(r.lift)}`}</title>
          </rect>
          <text x={(x(r.lift) + 4).toFixed(1)} y={i * rowH + 17}>
            {fmtNum(r.lift)}
          </text>
        </g>
      ))}
      <line class="axis" x1={x(1).toFixed(1)} y1="0" x2={x(1).toFixed(1)} y2={rows.length * rowH + 4} stroke-dasharray="3 3" />
      <text x={(x(1) - 6).toFixed(1)} y={rows.length * rowH + 18}>
        1
      </text>
    </svg>
  );
}

function LeadTable(p: { list: LeadList; caption: string; empty: string }) {
  const rows = p.list.leads;
  if (rows.length === 0) return <p class="mut">{p.empty}</p>;
  return (
    <div class="scroll">
      <table>
        <caption class="mut small">
          {p.caption} (threshold {fmtNum(p.list.threshold)}){p.list.count > rows.length ? `; the first ${rows.length} of ${p.list.count}` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">Lead</th>
            <th scope="col" class="num">
              Score
            </th>
            <th scope="col">Tier</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((l) => (
            <tr>
              <td>
                <a href={`/dashboard/leads/${encodeURIComponent(l.id)}`}>{leadLabel(l)}</a>
              </td>
              <td class="num">{fmtNum(l.score)}</td>
              <td>
                <TierBadge tier={l.tier} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface ReviewView {
  site: { name: string };
  csrf: string;
  models: string[];
  model: string | null;
  days: number;
  /** How the sources table is sorted (`?sort=`). */
  sort?: SourceSort;
  report: Report | null;
  /** "missing": no report route on this deployment; "error": the API refused. */
  state: "ok" | "missing" | "error" | "no-model";
  error?: string | null;
}

export function ReviewPage(v: ReviewView) {
  return (
    <Layout title="Review" nav="review" site={v.site} csrf={v.csrf}>
      <h1>Review: did the score predict conversions?</h1>
      <form class="card row" method="get" action="/dashboard/review">
        <div>
          <label for="r-model">Model</label>
          <select id="r-model" name="model">
            {v.models.map((m) => (
              <option value={m} selected={m === v.model}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="r-days">Window (days)</label>
          <input id="r-days" name="days" type="number" min={1} max={365} value={String(v.days)} />
        </div>
        <button type="submit">Show</button>
      </form>
      {v.state === "no-model" ? <Msg kind="info">No model yet: create one first, then review it against the conversions you record.</Msg> : null}
      {v.state === "missing" ? (
        <Msg kind="info">
          <b>No report yet.</b> This deployment does not serve <code>GET /v1/admin/report</code> yet; the review appears here once it does. Meanwhile, record conversions with{" "}
          <code>POST /v1/admin/conversions</code>.
        </Msg>
      ) : null}
      {v.state === "error" ? <Msg kind="err">The report could not be built: {v.error}</Msg> : null}
      {v.state === "ok" && v.report ? <ReportView r={v.report} model={v.model} days={v.days} sort={v.sort ?? "leads"} /> : null}
      <p class="small mut">
        <a href={"/dashboard/review" + qs({ model: v.model, days: v.days })}>Permalink to this review</a>
      </p>
    </Layout>
  );
}

function ReportView({ r, model, days, sort }: { r: Report; model: string | null; days: number; sort: SourceSort }) {
  const bins = histogram(r);
  return (
    <>
      <section class="card" aria-labelledby="h-sum">
        <h2 id="h-sum">
          Last {days} days, model {model}
        </h2>
        <p class="small mut">
          {r.leads} leads active in the window{r.sampled ? " (a sample of them)" : ""}, scored as of now.
          {r.stale > 0 ? ` ${r.stale} are still being rescored under the latest version.` : ""}
        </p>
        <div class="figs">
          <div>
            <span class="mut small">Converted</span>
            <b>{r.converted.count}</b>
            <span class="small">avg score {fmtNum(r.converted.averageScore)}</span>
          </div>
          <div>
            <span class="mut small">Not converted</span>
            <b>{r.notConverted.count}</b>
            <span class="small">avg score {fmtNum(r.notConverted.averageScore)}</span>
          </div>
          <div>
            <span class="mut small">AUC</span>
            <b>{fmtNum(r.auc)}</b>
            <span class="small">0.5 = chance, 1 = perfect</span>
          </div>
          {r.suggestedAuc !== null ? (
            <div>
              <span class="mut small">Suggested model AUC</span>
              <b>{fmtNum(r.suggestedAuc)}</b>
              <span class="small">on {r.suggested.split.holdout} held-out leads (current model: {fmtNum(r.suggested.currentAuc)})</span>
            </div>
          ) : null}
        </div>
        {r.onTrack === null ? null : r.onTrack ? (
          <p class="yes">On track: converted leads average a higher score than the others.</p>
        ) : (
          <p class="no">Off track: converted leads do not score higher than the others. Look at the low scorers that converted below.</p>
        )}
        <SuggestedAction r={r} model={model} days={days} />
      </section>
      <div class="grid">
        <section class="card" aria-labelledby="h-hist">
          <h2 id="h-hist">Scores, converted vs not</h2>
          {r.leads > 0 ? (
            <>
              <p class="legend">
                <span>
                  <span class="sw c1"></span>converted
                </span>
                <span>
                  <span class="sw c0"></span>not converted
                </span>
                <span class="mut">(share of each group per score band)</span>
              </p>
              <HistogramChart bins={bins} />
            </>
          ) : (
            <p class="mut">No lead was active in the window.</p>
          )}
        </section>
        <section class="card" aria-labelledby="h-lift">
          <h2 id="h-lift">Rule lift</h2>
          {r.rules.some((l) => l.lift !== null) ? (
            <LiftChart rules={r.rules} />
          ) : (
            <p class="mut">No lift yet: a rule's lift needs converted leads both with and without it.</p>
          )}
        </section>
      </div>
      {r.rules.length ? (
        <details class="card">
          <summary>Rule figures ({r.rules.length} rules)</summary>
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Rule</th>
                  <th scope="col" class="num">
                    Lift
                  </th>
                  <th scope="col" class="num">
                    Leads with it
                  </th>
                  <th scope="col" class="num">
                    Converted
                  </th>
                  <th scope="col" class="num">
                    Rate with / without
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.rules.map((l) => (
                  <tr>
                    <th scope="row">
                      <code>{l.id}</code>
                      <div class="mut small">{l.must ? "must-have" : l.disqualify ? "disqualifier" : `${l.category ?? "—"}, ${l.points > 0 ? "+" : ""}${fmtNum(l.points)} per hit`}</div>
                    </th>
                    <td class="num">{fmtNum(l.lift)}</td>
                    <td class="num">{l.leads}</td>
                    <td class="num">{l.converted}</td>
                    <td class="num">
                      {pct(l.rate)} / {pct(l.rateWithout)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ) : null}
      <SuggestedRules s={r.suggested} auc={r.suggestedAuc} />
      <SourcesSection rows={r.sources} sort={sort} model={model} days={days} />
      <section class="card" aria-labelledby="h-tiers">
        <h2 id="h-tiers">Per tier</h2>
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Tier</th>
                <th scope="col" class="num">
                  Leads
                </th>
                <th scope="col" class="num">
                  Converted
                </th>
                <th scope="col" class="num">
                  Rate
                </th>
              </tr>
            </thead>
            <tbody>
              {r.tiers.map((t) => (
                <tr>
                  <th scope="row">
                    <TierBadge tier={t.tier} />
                    {t.min !== null ? <span class="mut small"> from {fmtNum(t.min)}</span> : null}
                  </th>
                  <td class="num">{t.leads}</td>
                  <td class="num">{t.converted}</td>
                  <td class="num">{pct(t.rate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <div class="grid">
        <section class="card" aria-labelledby="h-low">
          <h2 id="h-low">Low scorers that converted</h2>
          <p class="small mut">They reveal missing rules: what did they do that the model does not score?</p>
          <LeadTable list={r.lowScorersConverted} caption="Converted with a low score" empty="None: every converted lead scored well." />
        </section>
        <section class="card" aria-labelledby="h-high">
          <h2 id="h-high">High scorers that did not convert</h2>
          <p class="small mut">Rules that over-reward: consider fewer points or a limit.</p>
          <LeadTable list={r.highScorersNotConverted} caption="High score, no conversion" empty="None." />
        </section>
      </div>
    </>
  );
}
