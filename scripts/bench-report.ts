/**
 * The 30-day review's pure part on the full shared data files, built in memory (mapping in
 * test/fixtures/bank.ts and shoppers.ts): the reviewed (hand-made) model's AUC, the suggested
 * model's held-out AUC and a plain logistic regression's on the same columns and the same split
 * (70/30 by lead-id hash, worker/report/split.ts), and the time the report takes.
 * Run: npm run bench:report [-- --rules]
 */
import { existsSync, readFileSync } from "node:fs";
import { asLeads, BANK_COLUMNS, parseBank } from "../test/fixtures/bank";
import { bankDoc, shopDoc, shopDocWithoutPageValues } from "../test/fixtures/current-models";
import { plainLogisticHoldoutAuc, type Cell, type PlainColumns } from "../test/fixtures/plain-logistic";
import { parseShoppers, shoppersColumns, withoutPageValues } from "../test/fixtures/shoppers";
import { recompute } from "../worker/scoring/engine";
import { parseModel } from "../worker/scoring/model";
import { buildReport, type ReportLead } from "../worker/report/report";

// ../shared/data beside the checkout (a worktree under /work/wt/… finds it one level further up).
const dataDir = [process.env.EDGESCORE_DATA, "../../shared/data", "../../../shared/data"]
  .filter((d): d is string => !!d)
  .map((d) => (d.startsWith("/") ? d : new URL(d, import.meta.url).pathname))
  .find((d) => existsSync(`${d}/bank-marketing.csv`));
if (!dataDir) throw new Error("bank-marketing.csv not found: set EDGESCORE_DATA to the shared data directory");
const data = (name: string) => readFileSync(`${dataDir}/${name}`, "utf8");
const now = Date.UTC(2025, 5, 1);
const f = (x: number | null) => (x === null ? "—" : x.toFixed(4));

function bench(title: string, rows: Record<string, Cell>[], y: boolean[], cols: PlainColumns, doc: Record<string, unknown>) {
  const parsed = parseModel(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const leads: ReportLead[] = asLeads(rows, "ld_").map((l, i) => ({
    ...l,
    email: null,
    name: null,
    convertedAt: y[i] ? now : null,
    value: null,
    result: recompute(parsed.model, [], l.traits, now).result,
    stale: false,
  }));
  // CPU time (this process), not wall time: the machine may be shared.
  const times: number[] = [];
  let report!: ReturnType<typeof buildReport>;
  for (let k = 0; k < 3; k++) {
    const t = process.cpuUsage();
    report = buildReport(parsed.model, { model: "bench", version: 1, days: 30, since: 0, now, sampled: false, document: doc }, leads);
    const d = process.cpuUsage(t);
    times.push((d.user + d.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const plain = plainLogisticHoldoutAuc(leads.map((l) => l.id), rows, y, cols);
  const s = report.suggested;
  const gap = report.suggestedAuc === null ? null : report.suggestedAuc - plain;
  console.log(`\n${title}: ${leads.length} leads (${report.converted.count} converted); held out ${s.split.holdout} (${s.split.holdoutConverted} converted)`);
  console.log(`  suggested model, held-out AUC:       ${f(report.suggestedAuc)}  (${s.rules.length} rules, from ${s.features} candidates; unrounded ${f(s.regressionAuc)}, training ${f(s.trainingAuc)})`);
  console.log(`  plain logistic regression, held out: ${f(plain)}  → suggested − LR = ${gap === null ? "—" : (gap >= 0 ? "+" : "") + gap.toFixed(4)}`);
  console.log(`  reviewed hand-made model, held out:  ${f(s.currentAuc)}  (beats it: ${s.beatsCurrent})`);
  console.log(`  report (pure part): median ${times[1]!.toFixed(0)} ms of CPU`);
  if (process.argv.includes("--rules")) for (const r of s.rules) console.log(`    ${r.category.padEnd(8)} ${String(r.points).padStart(4)}  ${r.label}  (${r.leads} leads, lift ${r.lift})`);
  return gap;
}

const bank = parseBank(data("bank-marketing.csv"));
const shop = parseShoppers(data("online-shoppers.csv"));
const gaps = [
  bench("bank-marketing.csv (every column but duration)", bank.rows, bank.y, BANK_COLUMNS, bankDoc),
  bench("online-shoppers.csv with PageValues", shop.rows, shop.y, shoppersColumns(true), shopDoc),
  bench("online-shoppers.csv without PageValues", withoutPageValues(shop.rows), shop.y, shoppersColumns(false), shopDocWithoutPageValues),
];
const worst = Math.min(...gaps.map((g) => g ?? -1));
console.log(`\ngoal: held-out AUC within 0.01 of plain logistic regression: ${worst >= -0.01 ? "met" : "NOT met"} (worst gap ${worst.toFixed(4)})`);
