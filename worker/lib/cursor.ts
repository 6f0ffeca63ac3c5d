// Opaque keyset-pagination cursors: a (sort value, id) pair, base64 JSON.
// A cursor that does not decode to that shape is treated as "from the start".
export interface Cursor {
  /** The sort key of the last row returned (score, time…). */
  k: number;
  id: string;
}

export const encodeCursor = (c: Cursor): string => btoa(JSON.stringify(c)).replace(/=+$/, "");

export function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(atob(s)) as Cursor;
    return typeof c.k === "number" && typeof c.id === "string" ? c : null;
  } catch {
    return null;
  }
}
