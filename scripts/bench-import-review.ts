/**
 * `npm run bench:import-review`: issue 13's "Done when" through the real stack. Builds, migrates a
 * fresh temporary local D1 (every shard), starts `wrangler dev`, and for each shared data file (and
 * online-shoppers without PageValues): creates a site, PUTs the hand-made "current" model that
 * bench-report.ts uses, imports the file with the real CLI (scripts/import.mjs, mapping from
 * scripts/mappings/), reads GET /v1/admin/report?model=current&days=30, and compares the suggested
 * model's held-out AUC with a plain logistic regression fitted on exactly the worker's split: the
 * lead ids the worker derives for CSV rows are recomputed here (a sample checked to exist through
 * GET /v1/admin/leads/:id, and the held-out count checked against the report's). Then imports the
 * same file again and checks that nothing changed. Prints a table, writes
 * bench-results/import-review.json, exits 1 when the goal is not met.
 *
 * Also (unless --no-explain) the same review built in memory on the same lead ids, twice: with the
 * leads' traits as the import stores them (the mapping's types: it must equal the stack's figure,
 * which shows that the stack adds nothing of its own) and with bench-report's natural types (codes
 * as numbers), which separates the effect of the split from the effect of the trait types.
 *
 * Options: --rows N (N rows of each file, spread over it: develop on a slice), --no-explain;
 * PORT (default 8793), EDGESCORE_DATA (the shared data directory), BENCH_WRANGLER_LOG=FILE.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { buildAll } from "./build.mjs";
import { main as importFile } from "./import.mjs";
import { migrateLocal, root, startDev } from "./local.mjs";
import { BANK_COLUMNS, parseBank } from "../test/fixtures/bank";
import { bankDoc, shopDoc, shopDocWithoutPageValues } from "../test/fixtures/current-models";
import { plainLogisticHoldoutAuc, type Cell, type PlainColumns } from "../test/fixtures/plain-logistic";
import type { Report } from "../worker/report/report";
import { parseShoppers, shoppersColumns, withoutPageValues } from "../test/fixtures/shoppers";
import { detectDelimiter, mapRow, type Mapping } from "../worker/import/mapping";
import { derivedId } from "../worker/lib/crypto";
import { buildReport, type ReportLead } from "../worker/report/report";
import { isHoldout } from "../worker/report/split";
import { recompute } from "../worker/scoring/engine";
import { parseModel } from "../worker/scoring/model";

const argv = process.argv.slice(2);
const rowsArg = argv.indexOf("--rows");
const ROW_LIMIT = rowsArg >= 0 ? Number(argv[rowsArg + 1]) : Infinity;
if (!(ROW_LIMIT > 0)) throw new Error("--rows needs a positive number");
const EXPLAIN = !argv.includes("--no-explain");
const PORT = Number(process.env.PORT ?? 8793);
const TOKEN = "bench-admin-token";
const MODEL = "current";
const DAYS = 30;
/** The goal: held-out AUC within this of plain logistic regression (and never below the current model). */
const TOLERANCE = 0.01;
/** Lead ids checked one by one through GET /v1/admin/leads/:id. */
const SAMPLE = 20;

// ../shared/data beside the checkout (a worktree under /work/wt/… finds it one level further up), as bench-report.ts.
const dataDir = [process.env.EDGESCORE_DATA, "../../shared/data", "../../../shared/data"]
  .filter((d): d is string => !!d)
  .map((d) => (d.startsWith("/") ? d : new URL(d, import.meta.url).pathname))
  .find((d) => existsSync(`${d}/bank-marketing.csv`));
if (!dataDir) throw new Error("bank-marketing.csv not found: set EDGESCORE_DATA to the shared data directory");

type Rows = { rows: Record<string, Cell>[]; y: boolean[] };
interface Case {
  title: string;
  file: string;
  mapping: Mapping;
  doc: Record<string, unknown>;
  cols: PlainColumns;
  /** The rows as bench-report.ts builds them (natural types), for the regression. */
  parse: (csv: string) => Rows;
}

const mappingFile = (name: string) => JSON.parse(readFileSync(join(root, "scripts", "mappings", name), "utf8")) as Mapping;
const shopMapping = mappingFile("online-shoppers.json");
const { PageValues: _dropped, ...shopTraitsWithout } = shopMapping.traits ?? {};

const CASES: Case[] = [
  { title: "bank-marketing.csv", file: "bank-marketing.csv", mapping: mappingFile("bank-marketing.json"), doc: bankDoc, cols: BANK_COLUMNS, parse: parseBank },
  { title: "online-shoppers.csv with PageValues", file: "online-shoppers.csv", mapping: shopMapping, doc: shopDoc, cols: shoppersColumns(true), parse: parseShoppers },
  {
    title: "online-shoppers.csv without PageValues",
    file: "online-shoppers.csv",
    mapping: { ...shopMapping, traits: shopTraitsWithout },
    doc: shopDocWithoutPageValues,
    cols: shoppersColumns(false),
    parse: (csv) => {
      const s = parseShoppers(csv);
      return { rows: withoutPageValues(s.rows), y: s.y };
    },
  },
];

/**
 * The file's text; with --rows, its header and ROW_LIMIT rows spread evenly over it (bank-marketing
 * is sorted by outcome: its first rows all converted). Every line is one record in both files; the
 * ids are recomputed from the text imported, so its line numbers are the ones that count.
 */
function fileText(name: string): string {
  const text = readFileSync(join(dataDir!, name), "utf8");
  if (!Number.isFinite(ROW_LIMIT)) return text;
  const [head, ...lines] = text.trimEnd().split("\n");
  const step = Math.max(1, lines.length / ROW_LIMIT);
  const picked = Array.from({ length: Math.min(ROW_LIMIT, lines.length) }, (_, k) => lines[Math.floor(k * step)]!);
  return [head, ...picked].join("\n") + "\n";
}

interface CsvRow {
  line: number;
  fields: string[];
}

/** The records as the worker reads them (worker/import/read.ts csvRecords: same csv-parse options), with the line each is on. */
function csvRows(text: string, mapping: Mapping): { header: string[]; rows: CsvRow[] } {
  const delimiter = mapping.delimiter ?? detectDelimiter(text.slice(0, text.indexOf("\n")));
  const records = parse(text, { delimiter, bom: true, info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const [head, ...rest] = records;
  if (!head) throw new Error("empty CSV");
  // info.lines is the line a record ends on; every record of these files is one line (checked).
  const rows = rest.map((r) => ({ line: r.info.lines, fields: r.record }));
  rows.forEach((r, i) => {
    if (r.line !== i + 2) throw new Error(`record ${i + 1} is on line ${r.line}, not ${i + 2}: a multi-line record; the line numbers would not match the worker's`);
  });
  return { header: head.record.map((h) => h.trim()), rows };
}

/**
 * The lead id the worker gives a CSV row with no key column: worker/import/mapping.ts mapRow keys
 * it `external_id = derivedId("row:", lineNo, ...fields)`, and worker/import/import.ts stage
 * creates the lead as `derivedId("ld_", siteId, "i:" + "x:" + external_id)`.
 */
async function leadIdOf(siteId: string, r: CsvRow): Promise<string> {
  const external = await derivedId("row:", String(r.line), ...r.fields);
  return derivedId("ld_", siteId, "i:x:" + external);
}

async function api<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

interface ImportAnswer {
  leads: number;
  created: number;
  updated: number;
  events: number;
  conversions: number;
  skipped: number;
  errors: unknown[];
  seconds: number;
}

/** The report as GET /v1/admin/report answers it (the route's own type). */
type ReportBody = Report;

/** The review's pure part in memory on the given leads (as bench-report.ts does), for the explanation. */
function memoryReview(doc: Record<string, unknown>, ids: string[], traits: Record<string, string | number | boolean>[], y: boolean[]) {
  const parsed = parseModel(doc);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const now = Date.now();
  const leads: ReportLead[] = ids.map((id, i) => ({
    id,
    traits: traits[i]!,
    events: new Map(),
    email: null,
    name: null,
    convertedAt: y[i] ? now : null,
    value: null,
    result: recompute(parsed.model, [], traits[i]!, now).result,
    stale: false,
  }));
  const r = buildReport(parsed.model, { model: MODEL, version: 1, days: DAYS, since: 0, now, sampled: false, document: doc }, leads);
  return { suggestedAuc: r.suggestedAuc, currentAuc: r.suggested.currentAuc, rules: r.suggested.rules.length, holdout: r.suggested.split.holdout };
}

function naturalTraits(r: Record<string, Cell>): Record<string, string | number | boolean> {
  const t: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(r)) if (v !== null && v !== "") t[k] = v;
  return t;
}

async function runCase(c: Case, base: string, dir: string, i: number) {
  const text = fileText(c.file);
  const file = join(dir, `case${i}-${c.file}`);
  writeFileSync(file, text);
  const mapFile = join(dir, `case${i}-mapping.json`);
  writeFileSync(mapFile, JSON.stringify(c.mapping));
  const { header, rows: csv } = csvRows(text, c.mapping);
  const plain = c.parse(text);
  if (plain.rows.length !== csv.length) throw new Error(`${c.title}: ${csv.length} CSV records but ${plain.rows.length} rows for the regression`);
  const y = plain.y;
  const conversions = y.filter(Boolean).length;

  const site = await api<{ id: string; secretKey: string }>(base, TOKEN, "POST", "/v1/admin/sites", { name: `review ${i}`, origins: [`https://review${i}.example`] });
  await api(base, site.secretKey, "PUT", `/v1/admin/models/${MODEL}`, c.doc);
  const args = [file, "--site", site.id, "--key", site.secretKey, "--url", base, "--map", `@${mapFile}`];
  process.stderr.write(`bench:import-review: ${c.title}: importing ${csv.length} rows…\n`);
  const first = (await importFile(args, { print: false })) as ImportAnswer;
  if (first.leads !== csv.length || first.created !== csv.length || first.skipped !== 0 || first.errors.length || first.conversions !== conversions)
    throw new Error(`${c.title}: the import answered ${JSON.stringify({ ...first, errors: first.errors.slice(0, 5) })}; expected ${csv.length} leads created, ${conversions} conversions, nothing skipped`);

  const ids = await Promise.all(csv.map((r) => leadIdOf(site.id, r)));
  // The ids recomputed here must be the worker's: a sample spread over the file, each read back.
  for (let k = 0; k < Math.min(SAMPLE, ids.length); k++) {
    const at = Math.floor((k * (ids.length - 1)) / Math.max(1, SAMPLE - 1));
    const res = await fetch(`${base}/v1/admin/leads/${encodeURIComponent(ids[at]!)}`, { headers: { authorization: `Bearer ${site.secretKey}` } });
    if (res.status !== 200) throw new Error(`${c.title}: lead id ${ids[at]} recomputed for line ${csv[at]!.line} is not there (GET /v1/admin/leads/:id answered ${res.status}): the recomputed ids are not the worker's, so the regression would not be on the same split`);
    await res.arrayBuffer();
  }
  // And the check can fail: the first row's id derived with the line number past the file is no lead.
  const off = await leadIdOf(site.id, { line: csv[0]!.line + csv.length + 1, fields: csv[0]!.fields });
  const control = await fetch(`${base}/v1/admin/leads/${encodeURIComponent(off)}`, { headers: { authorization: `Bearer ${site.secretKey}` } });
  await control.arrayBuffer();
  if (control.status !== 404) throw new Error(`${c.title}: GET /v1/admin/leads/${off} (an id no row has) answered ${control.status}, not 404: the id check proves nothing`);

  const report = await api<ReportBody>(base, site.secretKey, "GET", `/v1/admin/report?model=${MODEL}&days=${DAYS}`);
  const held = ids.flatMap((id, k) => (isHoldout(id) ? [k] : []));
  const heldConverted = held.filter((k) => y[k]).length;
  const s = report.suggested;
  if (report.leads !== csv.length || report.sampled) throw new Error(`${c.title}: the report covers ${report.leads} leads (sampled ${report.sampled}), not the ${csv.length} imported`);
  if (s.split.holdout !== held.length || s.split.holdoutConverted !== heldConverted)
    throw new Error(`${c.title}: the report holds out ${s.split.holdout} (${s.split.holdoutConverted} converted), the recomputed split ${held.length} (${heldConverted}): not the same leads`);
  const lr = plainLogisticHoldoutAuc(ids, plain.rows, y, c.cols);

  process.stderr.write(`bench:import-review: ${c.title}: importing the same file again…\n`);
  const again = (await importFile(args, { print: false })) as ImportAnswer;
  const unchanged = again.created + again.updated + again.events + again.conversions === 0 && again.skipped === 0;

  let explain: { storedTypes: ReturnType<typeof memoryReview>; naturalTypes: ReturnType<typeof memoryReview> } | null = null;
  if (EXPLAIN) {
    const stored = await Promise.all(
      csv.map(async (r) => {
        const m = await mapRow(c.mapping, header, r.fields, r.line);
        if (!m.ok) throw new Error(`${c.title}: line ${r.line}: ${JSON.stringify(m.issues)}`);
        return naturalTraits(m.line.traits ?? {});
      }),
    );
    explain = { storedTypes: memoryReview(c.doc, ids, stored, y), naturalTypes: memoryReview(c.doc, ids, plain.rows.map(naturalTraits), y) };
  }

  const gap = report.suggestedAuc === null ? null : report.suggestedAuc - lr;
  return {
    case: c.title,
    file: c.file,
    leads: report.leads,
    conversions: report.converted.count,
    split: s.split,
    suggestedAuc: report.suggestedAuc,
    regressionAuc: s.regressionAuc,
    trainingAuc: s.trainingAuc,
    lrAuc: Math.round(lr * 10000) / 10000,
    gap: gap === null ? null : Math.round(gap * 10000) / 10000,
    currentAuc: s.currentAuc,
    beatsCurrent: s.beatsCurrent,
    rules: s.rules.length,
    features: s.features,
    note: s.note,
    importSeconds: Math.round(first.seconds * 10) / 10,
    againSeconds: Math.round(again.seconds * 10) / 10,
    again: { created: again.created, updated: again.updated, events: again.events, conversions: again.conversions, skipped: again.skipped },
    unchanged,
    idsChecked: Math.min(SAMPLE, ids.length),
    inMemorySameIds: explain,
  };
}

const f4 = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(4));
const signed = (x: number | null) => (x === null ? "—" : (x >= 0 ? "+" : "") + x.toFixed(4));

async function main() {
  await buildAll();
  const dir = mkdtempSync(join(tmpdir(), "edgescore-import-review-"));
  migrateLocal(join(dir, "d1"));
  const log = process.env.BENCH_WRANGLER_LOG ? createWriteStream(process.env.BENCH_WRANGLER_LOG) : null;
  const dev = await startDev({ port: PORT, persistTo: join(dir, "d1"), vars: { ADMIN_TOKEN: TOKEN }, stdio: "ignore", ...(log ? { onLine: (l: string) => log.write(l + "\n") } : {}) });
  const results = [];
  try {
    for (const [i, c] of CASES.entries()) results.push(await runCase(c, dev.base, dir, i));
  } finally {
    await dev.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const out: string[] = [];
  for (const r of results) {
    out.push(
      `\n${r.case}: ${r.leads} leads (${r.conversions} converted); held out ${r.split.holdout} (${r.split.holdoutConverted} converted), trained on ${r.split.train}; ${r.idsChecked} recomputed lead ids found`,
      `  suggested model, held-out AUC:       ${f4(r.suggestedAuc)}  (${r.rules} rules, from ${r.features} candidates; unrounded ${f4(r.regressionAuc)}, training ${f4(r.trainingAuc)})`,
      `  plain logistic regression, held out: ${f4(r.lrAuc)}  → suggested − LR = ${signed(r.gap)}`,
      `  current (hand-made) model, held out: ${f4(r.currentAuc)}  (beatsCurrent: ${r.beatsCurrent})`,
      `  import: ${r.importSeconds.toFixed(1)} s; the same file again: ${r.againSeconds.toFixed(1)} s, created ${r.again.created}, updated ${r.again.updated}, events ${r.again.events}, conversions ${r.again.conversions}${r.unchanged ? " (nothing changed)" : " (CHANGED: not idempotent)"}`,
    );
    if (r.inMemorySameIds) {
      const m = r.inMemorySameIds;
      out.push(
        `  in memory, same lead ids: traits as imported ${f4(m.storedTypes.suggestedAuc)} (${m.storedTypes.rules} rules, current ${f4(m.storedTypes.currentAuc)})${m.storedTypes.suggestedAuc === r.suggestedAuc ? " = the stack's" : " ≠ the stack's"}; bench-report's natural types ${f4(m.naturalTypes.suggestedAuc)} (${m.naturalTypes.rules} rules)`,
      );
    }
  }
  const failures = results.flatMap((r) => [
    ...(r.gap === null || r.gap < -TOLERANCE ? [`${r.case}: suggested − LR = ${signed(r.gap)}`] : []),
    ...(r.suggestedAuc === null || r.currentAuc === null || r.suggestedAuc < r.currentAuc ? [`${r.case}: below the current model`] : []),
    ...(r.unchanged ? [] : [`${r.case}: the second import changed something`]),
  ]);
  const worst = Math.min(...results.map((r) => r.gap ?? -1));
  const met = failures.length === 0;
  out.push(`\ngoal: through the stack, held-out AUC within ${TOLERANCE} of plain logistic regression on the same split, never below the current model, the same file again changes nothing: ${met ? "met" : "NOT met"} (worst gap ${signed(worst)})${met ? "" : "\n  " + failures.join("\n  ")}`);
  process.stdout.write(out.join("\n") + "\n");

  mkdirSync(join(root, "bench-results"), { recursive: true });
  const json = join(root, "bench-results", "import-review.json");
  writeFileSync(json, JSON.stringify({ at: new Date().toISOString(), rows: Number.isFinite(ROW_LIMIT) ? ROW_LIMIT : "all", days: DAYS, tolerance: TOLERANCE, met, results }, null, 2) + "\n");
  process.stderr.write(`bench:import-review: wrote ${json}\n`);
  if (!met) process.exit(1);
}

main().catch((err) => {
  process.stderr.write(`bench:import-review: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
