// Reads a JSON body whatever its Content-Type: sendBeacon posts `text/plain`,
// which JSON validators that look at the header would silently treat as `{}`.
import type { Context } from "hono";
import { jsonProblem, parseJson } from "../lib/json";
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
  const parsed = parseJson(text);
  if (!parsed.ok) throw badRequest(`The body is not valid JSON: ${parsed.message} (line ${parsed.line}, column ${parsed.column}).`);
  // JSON.parse keeps "__proto__" as an own key and validators drop it silently: refuse
  // reserved keys loudly instead. The same walk bounds the nesting, so nothing after this
  // (zod, the model parser, JSON.stringify) meets a value deep enough to overflow a stack.
  const problem = jsonProblem(parsed.value);
  if (problem) throw badRequest("The body is invalid; see issues.", [problem]);
  return parsed.value;
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
