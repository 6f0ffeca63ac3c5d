// Turns a zod result into the API's issue list: every problem, each with its path.
import type * as z from "zod/mini";
import { badRequest, type Issue } from "./errors";

export function toIssues(error: z.core.$ZodError): Issue[] {
  return error.issues.map((i) => ({
    path: i.path.map((p) => String(p)).join("."),
    message: i.message,
  }));
}

export function parseOrThrow<T extends z.ZodMiniType>(schema: T, input: unknown, what: string): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw badRequest(`The ${what} is invalid; see issues.`, toIssues(r.error));
  return r.data;
}
