// Local calendar arithmetic for the daily digest: the local date and hour in an IANA zone, and
// the UTC span of a local day (23, 24 or 25 hours around DST changes).

interface Local {
  date: string; // "2026-12-02"
  hour: number;
}

function parts(ts: number, timeZone: string): { y: number; m: number; d: number; h: number; min: number; s: number } {
  const f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  const p = Object.fromEntries(f.formatToParts(ts).map((x) => [x.type, x.value]));
  return { y: Number(p.year), m: Number(p.month), d: Number(p.day), h: Number(p.hour), min: Number(p.minute), s: Number(p.second) };
}

export function localNow(ts: number, timeZone: string): Local {
  const p = parts(ts, timeZone);
  return { date: `${p.y}-${String(p.m).padStart(2, "0")}-${String(p.d).padStart(2, "0")}`, hour: p.h };
}

/** The zone's offset from UTC at `ts`, in ms. */
function offset(ts: number, timeZone: string): number {
  const p = parts(ts, timeZone);
  return Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s) - Math.floor(ts / 1000) * 1000;
}

/** The UTC instant of local midnight starting `date` ("YYYY-MM-DD"). */
export function localMidnight(date: string, timeZone: string): number {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offset(guess, timeZone);
  // Once more at the candidate: the offset may differ there (DST changed between the two).
  return guess - offset(first, timeZone);
}

/** The day before `date`, as "YYYY-MM-DD". */
export function dayBefore(date: string): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d - 1)).toISOString().slice(0, 10);
}
