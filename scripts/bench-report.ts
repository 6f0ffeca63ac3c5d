/**
 * The 30-day review's pure part for 10,000 leads (the bank-marketing data, see
 * test/fixtures/bank.ts for the mapping): evaluating the reviewed model, building the candidate
 * features, one fit and the 5-fold cross-validation of the suggested model; and the AUC figures
 * against plain logistic regressions. Run: npm run bench:report [path/to/bank-marketing.csv]
 */
import { readFileSync } from "node:fs";
import { ALL, bankEvents, bankTraits, IMPORTED, parseBank, plainLogisticCvAuc } from "../test/fixtures/bank";
import { recompute, type ScoreEvent } from "../worker/scoring/engine";
import { parseModel } from "../worker/scoring/model";
import { addEventCounts } from "../worker/report/load";
import { buildReport, type ReportLead } from "../worker/report/report";

const csvPath = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? new URL("../../shared/data/bank-marketing.csv", import.meta.url).pathname;
const all = parseBank(readFileSync(csvPath, "utf8"));
const N = Math.min(10_000, all.length);
// The file lists every "yes" first: take every (all/N)-th row for a representative sample.
const rows = Array.from({ length: N }, (_, i) => all[Math.floor((i * all.length) / N)]!);
const now = Date.UTC(2025, 5, 1);

// The model under review: a hand-made one, as a site would start with.
const doc = {
  tiers: { warm: 15, hot: 30 },
  rules: [
    { id: "balance", category: "fit", points: 10, when: { trait: "balance", gte: 1000 } },
    { id: "student", category: "fit", points: 10, when: { trait: "job", eq: "student" } },
    { id: "prev-success", category: "interest", points: 30, when: { event: "custom", name: "previous_success" } },
    { id: "call", category: "interest", points: 2, when: { event: "custom", name: "call" } },
  ],
};
const parsed = parseModel(doc);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const model = parsed.model;

let t = performance.now();
const leads: ReportLead[] = rows.map((r, i) => {
  const events: ScoreEvent[] = bankEvents(r, now).map((e, k) => ({ id: `${i}-${k}`, ...e }));
  const traits = bankTraits(r);
  const counts = new Map<string, number>();
  for (const e of events) addEventCounts(counts, { type: e.type, name: e.name ?? null, path: null, n: 1 });
  return {
    id: `ld_${String(i).padStart(6, "0")}`,
    email: null,
    name: null,
    traits,
    events: counts,
    convertedAt: r.deposit ? now : null,
    value: null,
    result: recompute(model, events, traits, now).result,
    stale: false,
  };
});
const setupMs = performance.now() - t;

const times: number[] = [];
let report!: ReturnType<typeof buildReport>;
for (let k = 0; k < 5; k++) {
  t = performance.now();
  report = buildReport(model, { model: "bench", version: 1, days: 30, since: now - 30 * 86_400_000, now, sampled: false, document: doc }, leads);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);

const plainSame = plainLogisticCvAuc(rows, IMPORTED);
const plainAll = plainLogisticCvAuc(rows, ALL);
const f = (x: number | null) => (x === null ? "—" : x.toFixed(4));
console.log(`leads: ${leads.length} (${report.converted.count} converted), features: ${report.suggested.features}, rules in the suggested model: ${report.suggested.rules.length}`);
console.log(`report (pure part): median ${times[2]!.toFixed(0)} ms, min ${times[0]!.toFixed(0)} ms  [setup, engine recompute of the leads: ${setupMs.toFixed(0)} ms]`);
console.log(`AUC of the reviewed hand-made model:            ${f(report.auc)}`);
console.log(`suggestedAuc (integer points, 5-fold CV):       ${f(report.suggestedAuc)}`);
console.log(`same features, raw regression (5-fold CV):      ${f(report.suggested.regressionAuc)}`);
console.log(`plain logistic regression, imported columns:    ${f(plainSame)}`);
console.log(`plain logistic regression, all but duration:    ${f(plainAll)}`);
if (process.argv.includes("--rules")) for (const r of report.suggested.rules) console.log(`  ${r.category.padEnd(8)} ${String(r.points).padStart(4)}  ${r.label} (${r.support} leads)`);
