// Reading an import body as it arrives: lines split on bytes (a 10 MB body is
// never held whole; memory stays flat in its size), NDJSON lines parsed one by
// one, CSV through csv-parse's Web Streams parser. Each record comes with the
// line number it starts on, for the answer's errors.
import { CsvError, parse } from "csv-parse/stream";
import type { Issue } from "../http/errors";
import { jsonProblem, parseJson } from "../lib/json";

/** A line longer than this is refused (and skipped) without being kept. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** One record of the body: its value, or why it cannot be one. */
export type RawRecord = { line: number; value: unknown } | { line: number; issues: Issue[] };

const NL = 0x0a;

/** Pulls lines off a byte stream; `rest()` hands back what is left as a stream (CSV after its prelude). */
export class LineReader {
  private buf: Uint8Array = new Uint8Array(0);
  private done = false;
  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** The next line's bytes (without `\n`, `\r\n`), `tooLong` when over the cap (then skipped whole), or null at the end. */
  async next(): Promise<Uint8Array | "tooLong" | null> {
    let tooLong = false;
    for (;;) {
      const i = this.buf.indexOf(NL);
      if (i >= 0) {
        const line = this.buf.subarray(0, i);
        this.buf = this.buf.subarray(i + 1);
        return tooLong ? "tooLong" : line.at(-1) === 0x0d ? line.subarray(0, -1) : line;
      }
      if (this.buf.length > MAX_LINE_BYTES) {
        tooLong = true;
        this.buf = new Uint8Array(0);
      }
      if (this.done) {
        if (this.buf.length === 0) return tooLong ? "tooLong" : null;
        const line = this.buf;
        this.buf = new Uint8Array(0);
        return tooLong ? "tooLong" : line;
      }
      const r = await this.reader.read();
      if (r.done) this.done = true;
      else this.buf = concat(this.buf, r.value);
    }
  }

  /** What has not been read yet, as a stream, after `prefix` (a line given back). */
  rest(prefix?: Uint8Array): ReadableStream<Uint8Array> {
    let first: Uint8Array | null = prefix ? concat(concat(prefix, new Uint8Array([NL])), this.buf) : this.buf;
    const reader = this.reader;
    const done = this.done;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (first) {
          const b = first;
          first = null;
          if (b.length) return controller.enqueue(b);
        }
        if (done) return controller.close();
        const r = await reader.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** A line as text, or null when it is not UTF-8. A leading BOM is dropped. */
export function lineText(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return null;
  }
}

/** A JSON line as a value, or the issue that keeps it from being one. */
export function jsonLine(text: string): { value: unknown } | { issues: Issue[] } {
  const parsed = parseJson(text);
  if (!parsed.ok) return { issues: [{ path: "", message: `not valid JSON: ${parsed.message} (column ${parsed.column})` }] };
  const problem = jsonProblem(parsed.value);
  return problem ? { issues: [problem] } : { value: parsed.value };
}

const tooLongIssue = (): Issue[] => [{ path: "", message: `the line is over ${MAX_LINE_BYTES / 1024} KiB` }];

/** NDJSON: one JSON value per line; blank lines are skipped. */
export async function* ndjsonRecords(lines: LineReader, firstLine = 1): AsyncGenerator<RawRecord> {
  for (let n = firstLine; ; n++) {
    const bytes = await lines.next();
    if (bytes === null) return;
    if (bytes === "tooLong") {
      yield { line: n, issues: tooLongIssue() };
      continue;
    }
    const text = lineText(bytes);
    if (text === null) {
      yield { line: n, issues: [{ path: "", message: "the line is not valid UTF-8" }] };
      continue;
    }
    if (text.trim() === "") continue;
    yield { line: n, ...jsonLine(text) };
  }
}

/** One CSV record: its fields and the line it starts on; or a parse error that ends the file. */
export type CsvRecord = { line: number; fields: string[] } | { line: number; issues: Issue[]; fatal: true };

/**
 * CSV records of a byte stream (`firstLine`: the number of its first line).
 * Quotes are relaxed and the column count is checked by the caller, so most
 * damage costs one record; a quote never closed ends the file (reported).
 */
export async function* csvRecords(body: ReadableStream<Uint8Array>, delimiter: string, firstLine: number): AsyncGenerator<CsvRecord> {
  // Bytes go in as they came (csv-parse decodes them; invalid UTF-8 becomes U+FFFD).
  const records = body.pipeThrough(
    parse({ delimiter, bom: true, info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_LINE_BYTES }),
  ) as ReadableStream<{ record: string[]; info: { lines: number } }>;
  const reader = records.getReader();
  let lastLine = firstLine;
  for (;;) {
    let r: ReadableStreamReadResult<{ record: string[]; info: { lines: number } }>;
    try {
      r = await reader.read();
    } catch (err) {
      if (!(err instanceof CsvError)) throw err;
      const at = typeof (err as { lines?: unknown }).lines === "number" ? (err as unknown as { lines: number }).lines + firstLine - 1 : lastLine;
      yield { line: at, issues: [{ path: "", message: `CSV: ${err.message.slice(0, 200)}` }], fatal: true };
      return;
    }
    if (r.done) return;
    // info.lines is where the record ends; a record spanning lines starts earlier.
    const line = r.value.info.lines + firstLine - 1;
    lastLine = line;
    yield { line, fields: r.value.record };
  }
}
