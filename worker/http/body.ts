// Request bodies: size caps through hono/body-limit, then a JSON reader for what Hono
// does not do (strict UTF-8, errors with line and column, reserved keys and depth).
// The reader ignores the Content-Type: sendBeacon posts `text/plain`, which JSON
// validators that look at the header would silently treat as `{}`.
import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { jsonProblem, parseJson } from "../lib/json";
import { ApiError, badRequest } from "./errors";

export const KIB = 1024;
/** The cap of /v1/collect, the public reads and every admin body without a larger one (SPEC §3). */
export const MAX_BODY_BYTES = 64 * KIB;

export const tooLarge = (max: number) => new ApiError(413, "payload_too_large", `The body is over ${max / KIB} KiB.`);

/** Whether the Request came in over HTTP (workerd sets `cf` on those, never on one built in-process). */
const fromNetwork = (req: Request) => req.cf !== undefined;

// Requests whose body already went through a cap: the first cap that runs settles it,
// so a route's own larger cap, registered before the general one, is not undone by it.
const capped = new WeakSet<Request>();

/**
 * hono/body-limit at `maxSize` bytes, answering 413 `payload_too_large` in the SPEC shape
 * (or `onTooLarge`'s response). Hono takes a declared Content-Length at its word and then
 * counts nothing; over HTTP the framing makes the two agree, but a Request built in-process
 * (the dashboard's API client, a test) can carry a longer body than it declares. So a
 * declared length over the cap is refused unread, and the header is then dropped so that
 * Hono streams every body through its counter, which stops reading at the cap.
 *
 * A Request from the network (it carries `cf`) is left as it is: there the framing
 * already holds the body to its declared length, and streaming a beacon through a
 * second Request would cost every collect a copy of its body for nothing.
 *
 * Hono replaces the Request it has read: run this after anything keyed on the Request
 * object itself (requireSecretKey's in-process sites).
 */
export function limitBody(maxSize: number, onTooLarge?: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const refuse = onTooLarge ?? (() => { throw tooLarge(maxSize); });
  const limit = bodyLimit({ maxSize, onError: refuse });
  return async (c, next) => {
    if (capped.has(c.req.raw)) return next();
    const declared = c.req.header("content-length");
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > maxSize) return refuse(c);
    if (c.req.raw.body && declared !== undefined && !fromNetwork(c.req.raw)) {
      const headers = new Headers(c.req.raw.headers);
      headers.delete("content-length");
      c.req.raw = new Request(c.req.raw, { headers });
    }
    return limit(c, async () => {
      capped.add(c.req.raw);
      await next();
    });
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
