// Attribution in the review (issue 13): leads, hot leads and conversions per first-touch source
// and campaign, sortable by a link per column (no script needed), with a bar chart. Sources,
// media and campaigns come from beacons: untrusted, rendered as text only (JSX escapes them, in
// the SVG too).
import { qs } from "../api";
import { fmtNum } from "../layout";
import type { Report } from "../types";
import { SOURCE_SORTS, sortSources, type SourceSort } from "../../report/sources";

type Row = Report["sources"][number];

const pct = (x: number) => `${Math.round(x * 100)}%`;
const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + "…" : s);
const rowName = (r: Row) => [r.source, r.medium, r.campaign].filter((x) => x !== null).join(" / ");

export function parseSort(v: string | undefined): SourceSort {
  return SOURCE_SORTS.find((s) => s === v) ?? "leads";
}

/** Horizontal bars per source: all leads (grey), hot (blue) and converted (green), top 12. */
export function SourcesChart(p: { rows: Row[] }) {
  const rows = p.rows.slice(0, 12);
  const W = 480;
  const rowH = 26;
  const L = 150;
  const H = rows.length * rowH + 8;
  const max = Math.max(1, ...rows.map((r) => r.leads));
  const w = (v: number) => ((W - L - 40) * v) / max;
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="src-title src-desc">
      <title id="src-title">Leads, hot leads and conversions per source</title>
      <desc id="src-desc">{rows.map((r) => `${rowName(r)}: ${r.leads} leads, ${r.hot} hot, ${r.conversions} converted`).join("; ")}</desc>
      {rows.map((r, i) => (
        <g>
          <text x="0" y={i * rowH + 17}>
            {cut(rowName(r), 22)}
          </text>
          <rect class="c0" x={L} y={i * rowH + 4} width={Math.max(1, w(r.leads)).toFixed(1)} height="18">
            <title>{`${rowName(r)}: ${r.leads} leads`}</title>
          </rect>
          <rect class="pos" x={L} y={i * rowH + 8} width={w(r.hot).toFixed(1)} height="5">
            <title>{`${r.hot} hot`}</title>
          </rect>
          <rect class="c1" x={L} y={i * rowH + 14} width={w(r.conversions).toFixed(1)} height="5">
            <title>{`${r.conversions} converted (${pct(r.rate)})`}</title>
          </rect>
          <text x={(L + w(r.leads) + 4).toFixed(1)} y={i * rowH + 17}>
            {String(r.leads)}
          </text>
        </g>
      ))}
    </svg>
  );
}

export function SourcesSection(p: { rows: Row[]; sort: SourceSort; model: string | null; days: number }) {
  const rows = sortSources(p.rows, p.sort);
  const head = (key: SourceSort, label: string, num = true) => (
    <th scope="col" class={num ? "num" : undefined} aria-sort={p.sort === key ? (key === "source" ? "ascending" : "descending") : undefined}>
      {p.sort === key ? (
        <span>{label} ▾</span>
      ) : (
        <a href={"/dashboard/review" + qs({ model: p.model, days: p.days, sort: key }) + "#h-sources"}>{label}</a>
      )}
    </th>
  );
  return (
    <section class="card" aria-labelledby="h-sources">
      <h2 id="h-sources">Where leads come from</h2>
      <p class="small mut">
        Each lead's first touch: its <code>utm_source</code>, else the referring site, else "(direct)"; "(unknown)" for leads without a page view (server-side or imported). Hot: in the
        model's top tier now.
      </p>
      {rows.length === 0 ? (
        <p class="mut">No lead was active in the window.</p>
      ) : (
        <>
          <p class="legend">
            <span>
              <span class="sw c0"></span>leads
            </span>
            <span>
              <span class="sw pos"></span>hot
            </span>
            <span>
              <span class="sw c1"></span>converted
            </span>
          </p>
          <SourcesChart rows={rows} />
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  {head("source", "Source", false)}
                  <th scope="col">Medium</th>
                  <th scope="col">Campaign</th>
                  {head("leads", "Leads")}
                  {head("hot", "Hot")}
                  {head("conversions", "Conversions")}
                  {head("rate", "Conversion rate")}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr>
                    <th scope="row">{cut(r.source, 80)}</th>
                    <td>{r.medium === null ? "—" : cut(r.medium, 60)}</td>
                    <td>{r.campaign === null ? "—" : cut(r.campaign, 60)}</td>
                    <td class="num">{r.leads}</td>
                    <td class="num">{r.hot}</td>
                    <td class="num">{r.conversions}</td>
                    <td class="num">{fmtNum(r.rate * 100, 1)}%</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
