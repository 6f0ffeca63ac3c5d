// Reads a JSON body whatever its Content-Type: sendBeacon posts `text/plain`,
// which JSON validators that look at the header would silently treat as `{}`.
import type { Context } from "hono";
import { ApiError, badRequest } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

export async function readJson(c: Context, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const buf = await readCapped(c.req.raw, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw badRequest("The body is not valid UTF-8.");
  }
  if (text.trim() === "") throw badRequest("The body is empty; send a JSON object.");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("The body is not valid JSON.");
  }
  // JSON.parse keeps "__proto__" as an own key, and validators drop it silently;
  // refuse it loudly instead (cheap: only walked when the text contains it).
  if (text.includes("__proto__")) {
    const path = protoPath(value, []);
    if (path) throw badRequest("The body is invalid; see issues.", [{ path, message: "is a reserved key name" }]);
  }
  return value;
}

function protoPath(v: unknown, at: string[]): string | null {
  if (!v || typeof v !== "object") return null;
  for (const [k, child] of Object.entries(v)) {
    if (k === "__proto__") return [...at, k].join(".");
    const p = protoPath(child, [...at, k]);
    if (p) return p;
  }
  return null;
}

const tooLarge = (max: number) =>
  new ApiError(413, "payload_too_large", `The body is over ${max / 1024} KiB; send fewer events per request.`);

/** Streams the body and stops as soon as it passes the cap, so a huge body costs nothing. */
async function readCapped(req: Request, max: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    out.set(ch, at);
    at += ch.byteLength;
  }
  return out;
}
