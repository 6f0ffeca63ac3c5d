// Request bodies: size caps, then a JSON reader for what Hono does not do (strict
// UTF-8, errors with line and column, reserved keys and depth). The reader ignores
// the Content-Type: sendBeacon posts `text/plain`, which JSON validators that look
// at the header would silently treat as `{}`.
import type { Context, MiddlewareHandler } from "hono";
import { jsonProblem, parseJson } from "../lib/json";
import { ApiError, badRequest } from "./errors";

export const KIB = 1024;
/** The cap of /v1/collect, the public reads and every admin body without a larger one (SPEC §3). */
export const MAX_BODY_BYTES = 64 * KIB;

export const tooLarge = (max: number) => new ApiError(413, "payload_too_large", `The body is over ${max / KIB} KiB.`);

// Requests whose body already went through a cap: the first cap that runs settles it,
// so a route's own larger cap, registered before the general one, is not undone by it.
const capped = new WeakSet<Request>();

/**
 * The body's bytes, read until the end or until it passes `maxSize` (then null, and
 * the rest is never pulled). Whatever the Content-Length says: over HTTP the framing
 * makes the two agree, but a Request built in-process (the dashboard's API client, a
 * test) can carry a longer body than it declares.
 */
async function readCapped(body: ReadableStream<Uint8Array>, maxSize: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxSize) {
      void reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) out.set(c, at), (at += c.byteLength);
  return out;
}

/**
 * A body cap at `maxSize` bytes, answering 413 `payload_too_large` in the SPEC shape
 * (or `onTooLarge`'s response). A declared length over the cap is refused unread;
 * every other body is read once, counted as it arrives (readCapped), and handed to
 * Hono's body cache, so the route's `c.req.arrayBuffer()` / `parseBody()` take it from
 * there. Not hono/body-limit: for a body that declares its length it reads nothing and
 * counts nothing (so an in-process Request could bring more), and otherwise it
 * rebuilds the Request around what it read, which the route then reads a second time:
 * on /v1/collect, the hot path, that was two Requests, a Headers copy and two reads
 * per beacon (`npm run profile:collect`).
 */
export function limitBody(maxSize: number, onTooLarge?: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const refuse = onTooLarge ?? (() => { throw tooLarge(maxSize); });
  return async (c, next) => {
    const raw = c.req.raw;
    if (capped.has(raw)) return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxSize) return refuse(c);
    if (raw.body) {
      const bytes = await readCapped(raw.body, maxSize);
      if (!bytes) return refuse(c);
      // An ArrayBuffer of exactly the body (a chunk may be a view into a larger one).
      const buf = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
      // Hono keeps promises in its body cache (request.js #cachedBody), though its type says ArrayBuffer.
      (c.req.bodyCache as { arrayBuffer?: Promise<ArrayBuffer> }).arrayBuffer = Promise.resolve(buf as ArrayBuffer);
    }
    capped.add(raw);
    return next();
  };
}

/**
 * The body as a JSON value. It was capped by limitBody where the route is mounted
 * (worker/app.ts); a route mounted without one is capped here at `maxBytes`.
 */
export async function readJson(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  if (!capped.has(c.req.raw)) await limitBody(maxBytes)(c, async () => {});
  const buf = await c.req.arrayBuffer();
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw badRequest("The body is not valid UTF-8.");
  }
  if (text.trim() === "") throw badRequest("The body is empty; send a JSON object.");
  const parsed = parseJson(text);
  if (!parsed.ok) throw badRequest(`The body is not valid JSON: ${parsed.message} (line ${parsed.line}, column ${parsed.column}).`);
  // JSON.parse keeps "__proto__" as an own key and validators drop it silently: refuse
  // reserved keys loudly instead. The same walk bounds the nesting, so nothing after this
  // (zod, the model parser, JSON.stringify) meets a value deep enough to overflow a stack.
  const problem = jsonProblem(parsed.value);
  if (problem) throw badRequest("The body is invalid; see issues.", [problem]);
  return parsed.value;
}

/**
 * A cap for a body read as a stream (hono/body-limit reads the whole body into
 * memory before the route runs): a declared Content-Length over the cap is
 * refused unread; otherwise the bytes are counted as the route reads them and
 * the read fails with 413 `payload_too_large` at the cap.
 */
export function limitStream(maxSize: number): MiddlewareHandler {
  return async (c, next) => {
    if (capped.has(c.req.raw)) return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxSize) throw tooLarge(maxSize);
    const body = c.req.raw.body;
    if (body) {
      let size = 0;
      const counted = body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, ctl) {
            size += chunk.byteLength;
            if (size > maxSize) ctl.error(tooLarge(maxSize));
            else ctl.enqueue(chunk);
          },
        }),
      );
      const headers = new Headers(c.req.raw.headers);
      headers.delete("content-length");
      c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers, body: counted });
    }
    capped.add(c.req.raw);
    await next();
  };
}
