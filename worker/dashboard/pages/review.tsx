// The 30-day review (DOMAIN.md step 7) from GET /v1/admin/report. The report is read
// defensively: each figure is looked up under the documented name and a few likely
// variants, and a section whose data is missing is left out rather than failing.
import { qs } from "../api";
import { fmtNum, Layout, leadLabel, Msg, TierBadge } from "../layout";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The first defined value among dotted paths. */
export function pick(o: unknown, ...paths: string[]): unknown {
  for (const p of paths) {
    let cur: unknown = o;
    for (const k of p.split(".")) cur = isObj(cur) ? cur[k] : undefined;
    if (cur !== undefined && cur !== null) return cur;
  }
  return undefined;
}

export interface HistBin {
  label: string;
  converted: number;
  notConverted: number;
}

export function histogram(report: unknown): HistBin[] {
  const h = pick(report, "histogram", "scoreHistogram", "histograms", "distribution.histogram");
  const label = (b: Obj, i: number): string => {
    const from = num(pick(b, "from", "min", "lo", "start"));
    const to = num(pick(b, "to", "max", "hi", "end"));
    if (typeof b.label === "string") return b.label;
    if (typeof b.bin === "string") return b.bin;
    if (from !== null && to !== null) return `${fmtNum(from, 0)}–${fmtNum(to, 0)}`;
    if (from !== null) return `${fmtNum(from, 0)}+`;
    return String(i + 1);
  };
  if (Array.isArray(h)) {
    return h.filter(isObj).map((b, i) => ({
      label: label(b, i),
      converted: num(pick(b, "converted", "conv", "yes")) ?? 0,
      notConverted: num(pick(b, "notConverted", "nonConverted", "unconverted", "no")) ?? 0,
    }));
  }
  if (isObj(h)) {
    const c1 = pick(h, "converted", "conv");
    const c0 = pick(h, "notConverted", "nonConverted", "unconverted");
    if (Array.isArray(h.bins) && h.bins.every(isObj) && !Array.isArray(c1)) return histogram({ histogram: h.bins });
    if (Array.isArray(c1) && Array.isArray(c0)) {
      const edges = pick(h, "edges", "bins", "bounds");
      const width = num(pick(h, "binWidth", "width", "step"));
      const n = Math.max(c1.length, c0.length);
      return Array.from({ length: n }, (_, i) => {
        let l = String(i + 1);
        if (Array.isArray(edges) && num(edges[i]) !== null) l = num(edges[i + 1]) !== null ? `${edges[i]}–${edges[i + 1]}` : `${edges[i]}+`;
        else if (width) l = `${i * width}–${(i + 1) * width}`;
        return { label: l, converted: num(c1[i]) ?? 0, notConverted: num(c0[i]) ?? 0 };
      });
    }
  }
  return [];
}

export interface Lift {
  id: string;
  /** null when it cannot be computed (no conversions on one side). */
  lift: number | null;
  extra: [string, string][];
}

export function lifts(report: unknown): Lift[] {
  const r = pick(report, "rules", "ruleLifts", "lifts", "rulesLift");
  const out: Lift[] = [];
  const extra = (o: Obj): [string, string][] =>
    Object.entries(o)
      .filter(([k, v]) => !["id", "rule", "lift", "must", "disqualify"].includes(k) && (typeof v === "number" || typeof v === "string"))
      .slice(0, 6)
      .map(([k, v]) => [k, typeof v === "number" ? fmtNum(v) : String(v)]);
  if (Array.isArray(r)) {
    for (const x of r) {
      if (!isObj(x)) continue;
      const id = pick(x, "id", "rule", "ruleId");
      if (typeof id === "string") out.push({ id, lift: num(x.lift), extra: extra(x) });
    }
  } else if (isObj(r)) {
    for (const [id, x] of Object.entries(r)) {
      out.push({ id, lift: isObj(x) ? num(x.lift) : num(x), extra: isObj(x) ? extra(x) : [] });
    }
  }
  return out;
}

/** A list of leads, either an array or `{count, threshold, leads: [...]}`. */
function leadsList(report: unknown, ...names: string[]): { rows: Obj[]; count: number | null; threshold: number | null } {
  const v = pick(report, ...names);
  if (Array.isArray(v)) return { rows: v.filter(isObj), count: v.length, threshold: null };
  if (isObj(v) && Array.isArray(v.leads)) return { rows: v.leads.filter(isObj), count: num(v.count), threshold: num(v.threshold) };
  return { rows: [], count: null, threshold: null };
}

function tierRows(report: unknown): { tier: string; leads: number | null; converted: number | null }[] {
  const t = pick(report, "tiers", "perTier", "tierDistribution", "byTier");
  const row = (tier: string, x: unknown) => ({
    tier,
    leads: isObj(x) ? num(pick(x, "leads", "count", "total", "n")) : num(x),
    converted: isObj(x) ? num(pick(x, "converted", "conversions")) : null,
  });
  if (Array.isArray(t)) return t.filter(isObj).flatMap((x) => (typeof pick(x, "tier", "name") === "string" ? [row(pick(x, "tier", "name") as string, x)] : []));
  if (isObj(t)) return Object.entries(t).map(([k, x]) => row(k, x));
  return [];
}

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

export function LiftChart(p: { lifts: Lift[] }) {
  const rows = p.lifts.filter((l): l is Lift & { lift: number } => l.lift !== null).slice(0, 30);
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

function LeadTable(p: { list: { rows: Obj[]; count: number | null }; caption: string; empty: string }) {
  const rows = p.list.rows;
  if (rows.length === 0) return <p class="mut">{p.empty}</p>;
  return (
    <div class="scroll">
      <table>
        <caption class="mut small">
          {p.caption}
          {p.list.count !== null && p.list.count > rows.length ? ` (the first ${rows.length} of ${p.list.count})` : ""}
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
          {rows.slice(0, 50).map((l) => {
            const id = pick(l, "id", "lead", "leadId");
            const tier = pick(l, "tier");
            return (
              <tr>
                <td>{typeof id === "string" ? <a href={`/dashboard/leads/${encodeURIComponent(id)}`}>{leadLabel({ ...l, id })}</a> : leadLabel({ ...l, id: "?" })}</td>
                <td class="num">{fmtNum(pick(l, "score"))}</td>
                <td>{typeof tier === "string" ? <TierBadge tier={tier} /> : "—"}</td>
              </tr>
            );
          })}
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
  report: unknown;
  /** "missing": no report route on this deployment; "error": the API refused. */
  state: "ok" | "missing" | "error" | "no-model";
  error?: string | null;
}

export function ReviewPage(v: ReviewView) {
  const r = v.report;
  const onTrack = pick(r, "onTrack");
  const c1 = num(pick(r, "converted.count", "converted.leads", "convertedCount", "counts.converted", "converted"));
  const c0 = num(pick(r, "notConverted.count", "nonConverted.count", "notConverted.leads", "nonConverted.leads", "nonConvertedCount", "notConvertedCount", "counts.notConverted", "counts.nonConverted", "notConverted", "nonConverted"));
  const a1 = num(pick(r, "converted.avgScore", "converted.averageScore", "converted.meanScore", "avgScoreConverted", "averageScore.converted", "avgScore.converted"));
  const a0 = num(pick(r, "notConverted.avgScore", "nonConverted.avgScore", "notConverted.averageScore", "nonConverted.averageScore", "avgScoreNotConverted", "avgScoreNonConverted", "averageScore.notConverted", "averageScore.nonConverted", "avgScore.notConverted", "avgScore.nonConverted"));
  const auc = num(pick(r, "auc"));
  const sAuc = num(pick(r, "suggestedAuc"));
  const suggested = pick(r, "suggestedModel");
  const bins = histogram(r);
  const ls = lifts(r);
  const tiers = tierRows(r);
  const low = leadsList(r, "lowScorersConverted", "lowConverted", "lowScorers", "convertedLowScorers", "missed");
  const high = leadsList(r, "highScorersNotConverted", "highNotConverted", "highScorers", "notConvertedHighScorers", "highNonConverted");
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
      {v.state === "ok" ? (
        <>
          <section class="card" aria-labelledby="h-sum">
            <h2 id="h-sum">
              Last {v.days} days, model {v.model}
            </h2>
            {num(pick(r, "leads")) !== null ? (
              <p class="small mut">
                {num(pick(r, "leads"))} leads active in the window{pick(r, "sampled") === true ? " (a sample of them)" : ""}, scored as of now.
                {(num(pick(r, "stale")) ?? 0) > 0 ? ` ${num(pick(r, "stale"))} are still being rescored under the latest version.` : ""}
              </p>
            ) : null}
            <div class="figs">
              <div>
                <span class="mut small">Converted</span>
                <b>{c1 ?? "—"}</b>
                <span class="small">avg score {fmtNum(a1)}</span>
              </div>
              <div>
                <span class="mut small">Not converted</span>
                <b>{c0 ?? "—"}</b>
                <span class="small">avg score {fmtNum(a0)}</span>
              </div>
              <div>
                <span class="mut small">AUC</span>
                <b>{fmtNum(auc)}</b>
                <span class="small">0.5 = chance, 1 = perfect</span>
              </div>
              {sAuc !== null ? (
                <div>
                  <span class="mut small">Suggested model AUC</span>
                  <b>{fmtNum(sAuc)}</b>
                  <span class="small">cross-validated</span>
                </div>
              ) : null}
            </div>
            {typeof onTrack === "boolean" || (a1 !== null && a0 !== null) ? (
              (typeof onTrack === "boolean" ? onTrack : a1! > a0!) ? (
                <p class="yes">On track: converted leads average a higher score than the others.</p>
              ) : (
                <p class="no">Off track: converted leads do not score higher than the others. Look at the low scorers that converted below.</p>
              )
            ) : null}
            {isObj(suggested) && v.model ? (
              <form method="get" action={`/dashboard/models/${encodeURIComponent(v.model)}`}>
                <input type="hidden" name="from" value="suggested" />
                <input type="hidden" name="days" value={String(v.days)} />
                <button type="submit">Use the suggested model</button> <span class="mut small">Opens it in the editor; nothing is saved until you press Save.</span>
              </form>
            ) : (
              <p class="small mut">No suggested model yet: it is fitted to the window's conversions (record them with POST /v1/admin/conversions).</p>
            )}
          </section>
          <div class="grid">
            <section class="card" aria-labelledby="h-hist">
              <h2 id="h-hist">Scores, converted vs not</h2>
              {bins.length ? (
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
                <p class="mut">No histogram in the report.</p>
              )}
            </section>
            <section class="card" aria-labelledby="h-lift">
              <h2 id="h-lift">Rule lift</h2>
              {ls.some((l) => l.lift !== null) ? (
                <LiftChart lifts={ls} />
              ) : (
                <p class="mut">No lift yet: a rule's lift needs converted leads both with and without it.</p>
              )}
            </section>
          </div>
          {ls.length ? (
            <details class="card">
              <summary>Rule figures ({ls.length} rules)</summary>
              <div class="scroll">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col" class="num">
                        Lift
                      </th>
                      <th scope="col">Details</th>
                    </tr>
                  </thead>
                  <tbody>
                    {ls.map((l) => (
                      <tr>
                        <th scope="row">
                          <code>{l.id}</code>
                        </th>
                        <td class="num">{l.lift === null ? "—" : fmtNum(l.lift)}</td>
                        <td class="small">{l.extra.map(([k, x]) => `${k}: ${x}`).join(", ")}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          ) : null}
          {tiers.length ? (
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
                    {tiers.map((t) => (
                      <tr>
                        <th scope="row">
                          <TierBadge tier={t.tier} />
                        </th>
                        <td class="num">{t.leads ?? "—"}</td>
                        <td class="num">{t.converted ?? "—"}</td>
                        <td class="num">{t.leads && t.converted !== null ? `${Math.round((100 * t.converted) / t.leads)}%` : "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          ) : null}
          <div class="grid">
            <section class="card" aria-labelledby="h-low">
              <h2 id="h-low">Low scorers that converted</h2>
              <p class="small mut">They reveal missing rules: what did they do that the model does not score?</p>
              <LeadTable list={low} caption="Converted with a low score" empty="None: every converted lead scored well." />
            </section>
            <section class="card" aria-labelledby="h-high">
              <h2 id="h-high">High scorers that did not convert</h2>
              <p class="small mut">Rules that over-reward: consider fewer points or a limit.</p>
              <LeadTable list={high} caption="High score, no conversion" empty="None." />
            </section>
          </div>
        </>
      ) : null}
      <p class="small mut">
        <a href={"/dashboard/review" + qs({ model: v.model, days: v.days })}>Permalink to this review</a>
      </p>
    </Layout>
  );
}
