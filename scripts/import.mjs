#!/usr/bin/env node
// `npm run import -- FILE --site SITE_ID --key sk_… [--url http://127.0.0.1:8787] [--map JSON|@file.json]`
// Streams a history file (.ndjson/.jsonl: one lead per line; .csv: a header row
// and a mapping) to POST /v1/admin/import in parts of at most 9 MiB, cut on
// record boundaries (CSV records found by csv-parse, so quoted newlines stay
// whole; the header goes with every part), shows a progress bar on stderr and
// prints the summed answer as JSON. Memory stays flat in the file's size: one
// part at a time. Errors keep their line numbers in the whole file.
import { createReadStream, readFileSync, statSync } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";

const PART_BYTES = 9 * 1024 * 1024;
const MAX_ERRORS = 1000;
const timing = {};

function usage(msg) {
  if (msg) process.stderr.write(`import: ${msg}\n`);
  process.stderr.write("usage: npm run import -- FILE --site SITE_ID --key sk_… [--url http://127.0.0.1:8787] [--map JSON|@mapping.json] [--format csv|ndjson]\n");
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

function sum(total, part) {
  for (const k of ["leads", "created", "updated", "events", "conversions", "skipped"]) total[k] += part[k] ?? 0;
  for (const e of part.errors ?? []) if (total.errors.length < MAX_ERRORS) total.errors.push(e);
  if (part.ignored && !total.ignored) total.ignored = part.ignored;
  return total;
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
  const rl = createInterface({ input: createReadStream(opts.file), crlfDelay: Infinity });
  let part = [];
  let bytes = 0;
  let lineNo = 0;
  let partStart = 0;
  const flush = async () => {
    if (part.length) sum(total, await send(opts, "application/x-ndjson", part.join("\n") + "\n", partStart, null));
    part = [];
    bytes = 0;
  };
  for await (const line of rl) {
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > PART_BYTES) await flush();
    if (part.length === 0) partStart = lineNo;
    part.push(line);
    bytes += size;
    lineNo++;
    progress.add(size);
  }
  await flush();
}

/** CSV: parts of whole records, each after the header; `line_offset` keeps the file's line numbers. */
async function importCsv(opts, progress, total, map) {
  let header = null;
  let headerLines = 0;
  let lineNo = 0;
  let mapping = map;
  let part = [];
  let bytes = 0;
  let partFirst = 0;
  const flush = async () => {
    // The part's first record is line 2 of the part (after the header): shift it to its line in the file.
    if (part.length) sum(total, await send(opts, "text/csv", header + part.join(""), partFirst - 2, mapping));
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
    if (bytes + size > PART_BYTES - header.length) await flush();
    if (part.length === 0) partFirst = start;
    part.push(text);
    bytes += size;
  }
  await flush();
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
