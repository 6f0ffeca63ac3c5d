// A bulk import (POST /v1/admin/import, issue 13): records are read off the body
// as it arrives (read.ts), validated line by line (line.ts, mapping.ts), and
// gathered into chunks of up to MAX_CHUNK_LEADS leads / MAX_CHUNK_EVENTS events.
// Each chunk is one read batch (its leads, models, score states, known event
// ids), the pure planner (plan.ts), and one guarded write batch: a chunk is
// written whole or not at all, so a line is never half-written. A chunk that
// lost a race with other writes is read and planned again; a chunk whose site
// moved shards is redone on the new shard (onSiteShard).
import { badRequest } from "../http/errors";
import { toIssues } from "../http/validate";
import { derivedId } from "../lib/crypto";
import { normalizeEvents } from "../ingest/normalize";
import type { IngestSite } from "../ingest/plan";
import type { WireEvent } from "../ingest/schema";
import { onSiteShard } from "../shards/site-db";
import type { ShardBindings } from "../shards/shards";
import { noop, rowsOf, SiteMoved, WriteConflict, newStats } from "../store/batch";
import { existingEvents, type EventRow } from "../store/events/ingest";
import { historiesOf } from "../store/events/queries";
import * as sql from "../store/import";
import { fencedHere, guard, runGuarded } from "../store/leads/guard";
import { siteModelRows, upsertScores, type ModelRow, type ScoreRow } from "../store/scores/ingest";
import { checkLine, type ImportEvent, type ImportLine } from "./line";
import { detectDelimiter, ignoredColumns, mappingSchema, mapRow, mappingProblems, type Mapping } from "./mapping";
import { planChunk, type ChunkPlan, type ChunkSnapshot, type Counts, type LineError, type PreparedLine } from "./plan";
import { csvRecords, jsonLine, lineText, ndjsonRecords, type LineReader, type RawRecord } from "./read";

export const MAX_CHUNK_LEADS = 500;
export const MAX_CHUNK_EVENTS = 5000;
/** The answer lists this many errors at most (`skipped` counts them all). */
export const MAX_ERRORS = 1000;
const MAX_ATTEMPTS = 5;

export interface ImportAnswer extends Counts {
  skipped: number;
  errors: LineError[];
  /** CSV only: the header's columns the mapping does not use. */
  ignored?: string[];
}

export interface ImportResult {
  answer: ImportAnswer;
  timing: Importer["timing"];
}

export interface ImportSite extends IngestSite {
  shard: number;
}

/** A valid line's lead key: the same key, the same lead (and the same derived ids). */
function keyOf(l: PreparedLine["data"]): string[] {
  return [l.external_id ? "x:" + l.external_id : null, l.email ? "e:" + l.email.toLowerCase() : null, l.visitor ? "v:" + l.visitor : null].filter((k): k is string => k !== null);
}

/**
 * Events without an id get one derived from their lead (a SHA-256 of the key,
 * once per line) and their content (FNV-1a: a digest per event would cost more
 * than the rest of the import), with the content's occurrence number: the same
 * file imported again finds them, and two equal events in one line stay two.
 */
function withIds(events: ImportEvent[], leadHash: string): WireEvent[] {
  const seen = new Map<string, number>();
  return events.map((e) => {
    if (e.id !== undefined) return { ...e, id: e.id };
    const h = fnv64(`${e.type}\u0000${e.ts}\u0000${e.name ?? ""}\u0000${e.url ?? ""}\u0000${e.props ? JSON.stringify(e.props) : ""}`);
    const k = (seen.get(h) ?? 0) + 1;
    seen.set(h, k);
    return { ...e, id: `ev_${leadHash}_${h}${k > 1 ? "_" + k : ""}` };
  });
}

/** Two 32-bit FNV-1a hashes (different offset bases) of a string's UTF-16 units, in base 36. */
function fnv64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36);
}

/** Two lines of one lead that name no different email, CRM id or visitor. */
function compatible(a: ImportLine, b: ImportLine): boolean {
  const differ = <T>(x: T | undefined, y: T | undefined) => x !== undefined && y !== undefined && x !== y;
  return !differ(a.email?.toLowerCase(), b.email?.toLowerCase()) && !differ(a.external_id, b.external_id) && !differ(a.visitor, b.visitor);
}

/** A later line of the same lead: its traits win, its events add, an outcome given sticks. */
function mergeLines(a: ImportLine, b: ImportLine): ImportLine {
  const out: ImportLine = { ...a, ...b, traits: { ...a.traits, ...b.traits } };
  if (a.converted === true || a.convertedAt !== undefined) {
    out.converted = a.converted ?? b.converted;
    out.convertedAt = a.convertedAt ?? b.convertedAt;
    out.value = a.value ?? b.value;
  }
  delete out.events;
  return out;
}

class Importer {
  readonly answer: ImportAnswer = { leads: 0, created: 0, updated: 0, events: 0, conversions: 0, skipped: 0, errors: [] };
  /** Where the time went (ms), for the benchmark (X-EdgeScore-Import on dev). */
  readonly timing = { prepare: 0, read: 0, plan: 0, write: 0, d1: 0 };
  private chunk: PreparedLine[] = [];
  private chunkKeys = new Map<string, PreparedLine>();
  private chunkEvents = 0;

  constructor(
    private readonly env: ShardBindings,
    private readonly site: ImportSite,
    private readonly now: number,
  ) {}

  fail(errors: LineError[]): void {
    if (errors.length === 0) return;
    this.answer.skipped++;
    for (const e of errors) if (this.answer.errors.length < MAX_ERRORS) this.answer.errors.push(e);
  }

  /** One record: validated, then added to the chunk (which is written when full). */
  async add(line: number, value: unknown): Promise<void> {
    const t = performance.now();
    try {
      await this.stage(line, value);
    } finally {
      this.timing.prepare += performance.now() - t;
    }
    if (this.chunk.length >= MAX_CHUNK_LEADS || this.chunkEvents >= MAX_CHUNK_EVENTS) await this.flush();
  }

  private async stage(line: number, value: unknown): Promise<void> {
    const checked = checkLine(value);
    if (!checked.ok) return this.fail(checked.issues.map((i) => ({ line, ...i })));
    const data = checked.line;
    const keys = keyOf(data);
    const key = keys[0]!;
    const wire = withIds(data.events ?? [], data.events?.some((e) => e.id === undefined) ? await derivedId("", this.site.id, key) : "");
    const { events } = normalizeEvents(wire, undefined, this.now, "server", this.site.keepParams);
    // A lead named again in the same chunk (an export with one row per event): its lines become one.
    const same = [...new Set(keys.map((k) => this.chunkKeys.get(k)).filter((p) => p !== undefined))];
    if (same.length === 1 && compatible(same[0]!.data, data)) {
      const p = same[0]!;
      p.data = mergeLines(p.data, data);
      p.events.push(...events);
      p.lines.push(line);
      for (const k of keys) this.chunkKeys.set(k, p);
    } else {
      if (same.length) await this.flush();
      const p: PreparedLine = { line, lines: [line], data, events, newId: await derivedId("ld_", this.site.id, "i:" + key) };
      this.chunk.push(p);
      for (const k of keys) this.chunkKeys.set(k, p);
    }
    this.chunkEvents += events.length;
  }

  private inflight: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  /**
   * Hands the chunk to the writer and returns while it is written, so the next
   * lines are parsed meanwhile; chunks are still read and written one after the
   * other (the next waits for this one), so a lead split across chunks is seen.
   */
  async flush(): Promise<void> {
    if (this.chunk.length === 0) return;
    const lines = this.chunk;
    this.chunk = [];
    this.chunkKeys.clear();
    this.chunkEvents = 0;
    await this.inflight;
    if (this.failure) throw this.failure.error;
    this.inflight = this.write(lines).catch((error: unknown) => {
      this.failure = { error };
    });
  }

  /** The last chunk, and every write done. */
  async finish(): Promise<void> {
    await this.flush();
    await this.inflight;
    if (this.failure) throw this.failure.error;
  }

  private async write(lines: PreparedLine[]): Promise<void> {
    const plan = await onSiteShard(this.env, this.site, (db) => writeChunk(db, this.site, lines, this.now, this.timing));
    for (const k of ["leads", "created", "updated", "events", "conversions"] as const) this.answer[k] += plan.counts[k];
    const byLine = new Map<number, LineError[]>();
    const merged = new Map(lines.map((p) => [p.line, p.lines]));
    for (const e of plan.errors) for (const line of merged.get(e.line) ?? [e.line]) byLine.set(line, [...(byLine.get(line) ?? []), { ...e, line }]);
    for (const errs of byLine.values()) this.fail(errs);
  }
}

async function readChunk(db: D1Database, site: ImportSite, lines: PreparedLine[]): Promise<ChunkSnapshot> {
  const emails = lines.flatMap((l) => (l.data.email ? [l.data.email.toLowerCase()] : []));
  const externals = lines.flatMap((l) => (l.data.external_id ? [l.data.external_id] : []));
  const visitors = lines.flatMap((l) => (l.data.visitor ? [l.data.visitor] : []));
  const eventIds = lines.flatMap((l) => l.events.map((e) => e.id));
  const [found, models, existing, fenced] = await db.batch([
    sql.leadsByKeys(db, site.id, emails, externals, visitors),
    siteModelRows(db, site.id),
    eventIds.length ? existingEvents(db, site.id, eventIds) : noop(db),
    fencedHere(db, site.id),
  ]);
  const leads = rowsOf<ChunkSnapshot["leads"][number]>(found);
  // Score states of the leads found (a second statement: their ids come from the first).
  const states = leads.length ? rowsOf<ScoreRow>(await sql.scoresOfLeads(db, [...new Set(leads.map((l) => l.id))]).all()) : [];
  return {
    leads,
    models: rowsOf<ModelRow>(models),
    states,
    existing: new Set(rowsOf<{ id: string }>(existing).map((r) => r.id)),
    fenced: rowsOf<{ fenced: number }>(fenced)[0]?.fenced === 1,
  };
}

function writeStatements(db: D1Database, site: ImportSite, plan: ChunkPlan, now: number): D1PreparedStatement[] {
  const stmts = [guard(db, plan.guard)];
  if (plan.inserts.length) stmts.push(sql.insertLeads(db, plan.inserts));
  if (plan.updates.length) stmts.push(sql.updateLeads(db, plan.updates));
  // Events in slices: each statement's JSON stays well under D1's 2 MB value cap.
  for (let i = 0; i < plan.events.length; i += 2500) stmts.push(sql.insertImportEvents(db, site.id, now, plan.events.slice(i, i + 2500)));
  if (plan.visitors.length) stmts.push(sql.mapVisitors(db, site.id, now, plan.visitors));
  if (plan.conversions.length) stmts.push(...sql.recordImportConversions(db, site.id, plan.conversions));
  // Score rows carry the engine state (a few KB each): 200 a statement keeps each bound value small.
  for (let i = 0; i < plan.scores.length; i += 200) stmts.push(upsertScores(db, site.id, now, plan.scores.slice(i, i + 200)));
  return stmts;
}

/** One chunk, and then the lines it deferred (a lead reached by two of its entries), each in turn. */
async function writeChunk(db: D1Database, site: ImportSite, lines: PreparedLine[], now: number, timing: Importer["timing"]): Promise<Pick<ChunkPlan, "counts" | "errors">> {
  const out: Pick<ChunkPlan, "counts" | "errors"> = { counts: { leads: 0, created: 0, updated: 0, events: 0, conversions: 0 }, errors: [] };
  for (let pending = lines; pending.length; ) {
    const plan = await writeOnce(db, site, pending, now, timing);
    for (const k of ["leads", "created", "updated", "events", "conversions"] as const) out.counts[k] += plan.counts[k];
    out.errors.push(...plan.errors);
    pending = plan.deferred;
  }
  return out;
}

/** Read, plan, one guarded write batch; again when it lost a race. */
async function writeOnce(db: D1Database, site: ImportSite, lines: PreparedLine[], now: number, timing: Importer["timing"]): Promise<ChunkPlan> {
  for (let attempt = 1; ; attempt++) {
    let t = performance.now();
    const snap = await readChunk(db, site, lines);
    timing.read += performance.now() - t;
    t = performance.now();
    if (snap.fenced) throw new SiteMoved(site.id);
    let step = planChunk(site, lines, snap, null, now);
    if (step.kind === "history") {
      const rows = rowsOf<EventRow>(await historiesOf(db, step.leadIds).all());
      const histories = new Map<string, EventRow[]>(step.leadIds.map((id) => [id, []]));
      for (const r of rows) histories.get(r.lead_id)?.push(r);
      step = planChunk(site, lines, snap, histories, now);
    }
    if (step.kind !== "plan") throw new Error("the import planner asked for history twice");
    const plan = step.plan;
    timing.plan += performance.now() - t;
    if (plan.guard.expected.length === 0) return plan;
    try {
      t = performance.now();
      const stats = newStats();
      await runGuarded(db, writeStatements(db, site, plan, now), plan.guard, plan.events.map((e) => e.id), stats);
      timing.write += performance.now() - t;
      timing.d1 += stats.d1Ms;
      return plan;
    } catch (err) {
      // Another write reached these leads first (or took one of their emails): read again.
      if (err instanceof SiteMoved || attempt >= MAX_ATTEMPTS) throw err;
      if (!(err instanceof WriteConflict)) console.error(`import chunk attempt ${attempt} failed: ${(err as Error).name}`);
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}

/** NDJSON body: one lead per line. `lineOffset` is added to every line number (the CLI's parts). */
export async function importNdjson(env: ShardBindings, site: ImportSite, lines: LineReader, lineOffset: number, now: number): Promise<ImportResult> {
  const imp = new Importer(env, site, now);
  await consume(imp, ndjsonRecords(lines, 1 + lineOffset));
  await imp.finish();
  return { answer: imp.answer, timing: imp.timing };
}

async function consume(imp: Importer, records: AsyncIterable<RawRecord>): Promise<void> {
  for await (const r of records) {
    if ("issues" in r) imp.fail(r.issues.map((i) => ({ line: r.line, ...i })));
    else await imp.add(r.line, r.value);
  }
}

/** A mapping given as JSON text (`?map=` or the body's first line), validated. */
function parseMapping(text: string, where: "map" | "mapping line", wrapped: boolean): Mapping {
  const parsed = jsonLine(text);
  if ("issues" in parsed) throw badRequest(`The ${where} is not valid JSON; see issues.`, parsed.issues.map((i) => ({ ...i, path: "map" })));
  const value = wrapped ? (parsed.value as { mapping?: unknown } | null)?.mapping : parsed.value;
  const r = mappingSchema.safeParse(value);
  if (!r.success) throw badRequest(`The ${where} is invalid; see issues.`, toIssues(r.error).map((i) => ({ ...i, path: i.path ? `map.${i.path}` : "map" })));
  return r.data;
}

/**
 * CSV body: an optional `{"mapping": …}` line, the header row, then one lead per
 * row. The mapping comes from `?map=` or that first line; the delimiter from the
 * mapping or, when it names none, the header (the most frequent of , ; tab |).
 */
export async function importCsvBody(env: ShardBindings, site: ImportSite, lines: LineReader, queryMap: string | null, lineOffset: number, now: number): Promise<ImportResult> {
  let mapping = queryMap === null ? null : parseMapping(queryMap, "map", false);
  let first = await lines.next();
  let headerLine = 1;
  const firstText = first instanceof Uint8Array ? lineText(first) : null;
  if (firstText !== null && firstText.trimStart().startsWith("{")) {
    mapping = parseMapping(firstText, "mapping line", true);
    first = await lines.next();
    headerLine = 2;
  }
  if (!(first instanceof Uint8Array)) throw badRequest("The CSV body has no header row; send a header row and one row per lead.");
  if (!mapping) throw badRequest("A CSV import needs a mapping: `?map=` or a first line `{\"mapping\": …}` (README \"Import your history\").");
  const header = lineText(first) ?? "";
  const delimiter = mapping.delimiter ?? detectDelimiter(header);
  return importCsv(env, site, lines.rest(first), mapping, delimiter, headerLine, lineOffset, now);
}

/** CSV records after the prelude; `firstLine`: the number of the header's line. */
async function importCsv(env: ShardBindings, site: ImportSite, body: ReadableStream<Uint8Array>, mapping: Mapping, delimiter: string, firstLine: number, lineOffset: number, now: number): Promise<ImportResult> {
  const imp = new Importer(env, site, now);
  let header: string[] | null = null;
  for await (const r of csvRecords(body, delimiter, firstLine)) {
    if ("issues" in r) {
      imp.fail(r.issues.map((i) => ({ line: r.line + (header ? lineOffset : 0), ...i })));
      continue;
    }
    if (!header) {
      header = r.fields.map((h) => h.trim());
      const problems = mappingProblems(mapping, header);
      if (problems.length) throw badRequest("The mapping does not fit the CSV header; see issues.", problems);
      imp.answer.ignored = ignoredColumns(mapping, header);
      continue;
    }
    const line = r.line + lineOffset;
    const mapped = await mapRow(mapping, header, r.fields, line);
    if (!mapped.ok) imp.fail(mapped.issues.map((i) => ({ line, ...i })));
    else await imp.add(line, mapped.line);
  }
  if (!header) throw badRequest("The CSV body is empty; send a header row and one row per lead.");
  await imp.finish();
  return { answer: imp.answer, timing: imp.timing };
}

