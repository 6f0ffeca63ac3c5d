// Load and demo scripts speak for many simulated people from one process. The
// worker keys its rate limits and promo caps on the connecting address
// (CF-Connecting-IP, which Cloudflare sets and `wrangler dev` passes through),
// so each simulated visitor gets a stable address of its own, from the
// benchmarking range 198.18.0.0/15 (RFC 2544): text in a header, never a target.
export function clientHeader(key) {
  let h = 2166136261;
  for (const ch of String(key)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return { "cf-connecting-ip": `198.${18 + (h & 1)}.${(h >>> 8) & 255}.${(h >>> 16) & 255}` };
}
