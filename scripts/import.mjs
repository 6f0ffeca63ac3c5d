#!/usr/bin/env node
// `npm run import -- FILE --site SITE_ID --key sk_… [--url http://127.0.0.1:8787] [--map JSON|@file.json]
//   [--part-mib 9] [--parallel 1]`
// Streams a history file (.ndjson/.jsonl: one lead per line; .csv: a header row
// and a mapping) to POST /v1/admin/import in parts (9 MiB by default, at most
// 9 MiB), cut on record boundaries (CSV records found by csv-parse, so quoted
// newlines stay whole; the header goes with every part), a few parts in flight
// at once: the Worker runs requests side by side and D1 only serialises their
// statements, so one part's parsing and scoring can overlap another's writes. Each
// part is guarded and idempotent on its own server-side, so the order the parts
// land in changes nothing (two parts naming one lead: the later write reads
// again). Shows a progress bar on stderr and prints the summed answer as JSON.
// Memory stays flat in the file's size: `parallel` parts at a time. Errors keep
// their line numbers in the whole file (`line_offset`), listed in line order.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";

const MAX_PART_BYTES = 9 * 1024 * 1024;
// Defaults stay one 9 MiB part at a time: on `wrangler dev` (4.86), two or more
// parts in flight sometimes end in a 503 "Your worker restarted mid-request"
// (wrangler's proxy resets the connection; see the README's Import section).
const DEFAULT_PART_MIB = 9;
const DEFAULT_PARALLEL = 1;
const MAX_ERRORS = 1000;
const timing = {};

function usage(msg) {
  if (msg) process.stderr.write(`import: ${msg}\n`);
  process.stderr.write("usage: npm run import -- FILE --site SITE_ID --key sk_… [--url http://127.0.0.1:8787] [--map JSON|@mapping.json] [--format csv|ndjson] [--part-mib 9] [--parallel 1]\n");
  process.exit(2);
}

export function parseArgs(argv) {
  const out = { url: "http://127.0.0.1:8787" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith("--")) {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      out[a.slice(2)] = v;
    } else if (!out.file) out.file = a;
    else usage(`unexpected argument ${a}`);
  }
  return out;
}

/** The mapping as the endpoint's `?map=` wants it: JSON text (given inline or as @file). */
function mappingText(map) {
  if (!map) return null;
  const text = map.startsWith("@") ? readFileSync(map.slice(1), "utf8") : map;
  JSON.parse(text); // a typo fails here, not after the upload started
  return text;
}

class Progress {
  constructor(total) {
    this.total = total;
    this.done = 0;
    this.last = 0;
    this.tty = process.stderr.isTTY;
  }
  add(n) {
    this.done += n;
    const now = Date.now();
    if (now - this.last < 200 && this.done < this.total) return;
    this.last = now;
    const f = this.total ? Math.min(1, this.done / this.total) : 1;
    const bar = "#".repeat(Math.round(f * 30)).padEnd(30, ".");
    const line = `import [${bar}] ${(f * 100).toFixed(0).padStart(3)}%  ${(this.done / 1048576).toFixed(1)} / ${(this.total / 1048576).toFixed(1)} MiB`;
    process.stderr.write(this.tty ? `\r${line}` : `${line}\n`);
  }
  end() {
    if (this.tty) process.stderr.write("\n");
  }
}

const byLine = (a, b) => a.line - b.line;

function sum(total, part) {
  for (const k of ["leads", "created", "updated", "events", "conversions", "skipped"]) total[k] += part[k] ?? 0;
  // Parts answer in any order: keep the first MAX_ERRORS by line (trimmed now and then, sorted at the end).
  total.errors.push(...(part.errors ?? []));
  if (total.errors.length > 2 * MAX_ERRORS) total.errors = total.errors.sort(byLine).slice(0, MAX_ERRORS);
  if (part.ignored && !total.ignored) total.ignored = part.ignored;
  return total;
}

/** Sends parts with at most `parallel` in flight; `wait()` waits for all, and throws the first failure. */
class Pool {
  constructor(parallel) {
    this.parallel = parallel;
    this.running = new Set();
    this.failure = null;
  }
  async run(task) {
    while (this.running.size >= this.parallel) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
    const p = task()
      .catch((error) => {
        this.failure ??= { error };
      })
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }
  async wait() {
    await Promise.all(this.running);
    if (this.failure) throw this.failure.error;
  }
}

function partOptions(opts) {
  const mib = opts["part-mib"] === undefined ? DEFAULT_PART_MIB : Number(opts["part-mib"]);
  const parallel = opts.parallel === undefined ? DEFAULT_PARALLEL : Number(opts.parallel);
  if (!(mib > 0 && mib <= 9)) usage("--part-mib must be a number of MiB from 0 to 9");
  if (!(Number.isInteger(parallel) && parallel >= 1 && parallel <= 16)) usage("--parallel must be a whole number from 1 to 16");
  return { partBytes: Math.min(MAX_PART_BYTES, Math.round(mib * 1048576)), parallel };
}

async function send(opts, type, body, lineOffset, map) {
  const q = new URLSearchParams({ line_offset: String(lineOffset) });
  if (map) q.set("map", map);
  const res = await fetch(`${opts.url.replace(/\/$/, "")}/v1/admin/import?${q}`, {
    method: "POST",
    headers: { authorization: `Bearer ${opts.key}`, "content-type": type },
    body,
  });
  const text = await res.text();
  // Dev servers say where the time went (prepare, read, plan, write, d1 ms): summed for the benchmark.
  for (const kv of (res.headers.get("x-edgescore-import") ?? "").split("; ").filter(Boolean)) {
    const [k, v] = kv.split("=");
    timing[k] = (timing[k] ?? 0) + Number(v);
  }
  if (res.status !== 200) throw new Error(`the server answered ${res.status}: ${text.slice(0, 2000)}`);
  return JSON.parse(text);
}

/** NDJSON: parts of whole lines; `line_offset` = lines before the part. */
async function importNdjson(opts, progress, total) {
  const { partBytes, parallel } = partOptions(opts);
  const pool = new Pool(parallel);
  const rl = createInterface({ input: createReadStream(opts.file), crlfDelay: Infinity });
  let part = [];
  let bytes = 0;
  let lineNo = 0;
  let partStart = 0;
  const flush = async () => {
    if (part.length) {
      const body = part.join("\n") + "\n";
      const start = partStart;
      await pool.run(async () => sum(total, await send(opts, "application/x-ndjson", body, start, null)));
    }
    part = [];
    bytes = 0;
  };
  for await (const line of rl) {
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > partBytes) await flush();
    if (part.length === 0) partStart = lineNo;
    part.push(line);
    bytes += size;
    lineNo++;
    progress.add(size);
  }
  await flush();
  await pool.wait();
}

/** CSV: parts of whole records, each after the header; `line_offset` keeps the file's line numbers. */
async function importCsv(opts, progress, total, map) {
  const { partBytes, parallel } = partOptions(opts);
  const pool = new Pool(parallel);
  let header = null;
  let headerLines = 0;
  let lineNo = 0;
  let mapping = map;
  let part = [];
  let bytes = 0;
  let partFirst = 0;
  const flush = async () => {
    // The part's first record is line 2 of the part (after the header): shift it to its line in the file.
    if (part.length) {
      const body = header + part.join("");
      const offset = partFirst - 2;
      await pool.run(async () => sum(total, await send(opts, "text/csv", body, offset, mapping)));
    }
    part = [];
    bytes = 0;
  };
  const parser = createReadStream(opts.file).pipe(parse({ raw: true, bom: true, relax_quotes: true, relax_column_count: true, delimiter: [",", ";", "\t", "|"] }));
  for await (const { raw } of parser) {
    const text = raw.endsWith("\n") ? raw : raw + "\n";
    const lines = (text.match(/\n/g) ?? []).length;
    const size = Buffer.byteLength(text);
    progress.add(size);
    const start = lineNo + 1;
    lineNo += lines;
    if (header === null) {
      // A `{"mapping": …}` first line: sent as ?map= with each part.
      if (!mapping && text.trimStart().startsWith("{")) {
        mapping = JSON.stringify(JSON.parse(text).mapping);
        headerLines += lines;
        continue;
      }
      header = text;
      headerLines += lines;
      continue;
    }
    if (bytes + size > partBytes - header.length) await flush();
    if (part.length === 0) partFirst = start;
    part.push(text);
    bytes += size;
  }
  await flush();
  await pool.wait();
  if (header === null) throw new Error("the CSV file has no header row");
  void headerLines;
}

export async function main(argv = process.argv.slice(2), { print = true } = {}) {
  const opts = parseArgs(argv);
  if (!opts.file) usage("give the file to import");
  if (!opts.site) usage("give the site id (--site)");
  if (!opts.key) usage("give the site's secret key (--key sk_…)");
  const format = opts.format ?? (/\.csv$/i.test(opts.file) ? "csv" : "ndjson");
  const size = statSync(opts.file).size;
  const progress = new Progress(size);
  const total = { leads: 0, created: 0, updated: 0, events: 0, conversions: 0, skipped: 0, errors: [] };
  const started = performance.now();
  for (const k of Object.keys(timing)) delete timing[k];
  if (format === "csv") await importCsv(opts, progress, total, mappingText(opts.map));
  else await importNdjson(opts, progress, total);
  progress.end();
  total.errors = total.errors.sort(byLine).slice(0, MAX_ERRORS);
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`import: site ${opts.site}, ${total.leads} leads (${total.created} new, ${total.updated} updated), ${total.events} events, ${total.conversions} conversions, ${total.skipped} lines skipped in ${seconds.toFixed(1)} s\n`);
  if (print) process.stdout.write(JSON.stringify(total, null, 2) + "\n");
  return { ...total, seconds, timing: { ...timing } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    process.stderr.write(`\nimport: ${err.message}\n`);
    process.exit(1);
  });
}
