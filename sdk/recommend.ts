// The `recommend` command (personalizing builds only, see features.ts):
// fn(items) from POST /v1/recommendations, [] without consent or on any failure.
// A text/plain POST needs no CORS preflight, and the visitor id (the browser's
// only credential) stays out of URLs, server logs and Referer headers.
import type { Recommendation } from "./edgescore";
import { call, J } from "./util";

export const recommend = (
  api: string,
  site: string | null | undefined,
  visitor: unknown,
  o: { limit?: number; product?: string } | null | undefined,
  f: (items: Recommendation[]) => void,
): Promise<unknown> =>
  Promise.resolve(
    visitor &&
      fetch(api + "/v1/recommendations", {
        method: "POST",
        body: J.stringify({ site, visitor, limit: +(o = o || {}).limit! || 4, product: o.product }),
      }).then((r) => r.json()),
  )
    .catch(() => {})
    // (any: the answer is whatever JSON came back; only a truthy `items` is used)
    .then((j: any) => call(f, (j && j.items) || []));
