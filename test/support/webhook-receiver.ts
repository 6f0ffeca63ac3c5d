// A webhook receiver for the worker tests, running in Node as Miniflare's `outboundService`:
// every `fetch` the Worker (and the test code inside workerd) makes to the network arrives here
// as a real HTTP request, so alert delivery is tested against a peer, not a mock of our code.
//
// On http://localhost:8788 (the receiver's port in `npm start` too), by path:
//   /ok/<key>             200
//   /fail-twice/<key>     500, 500, then 200
//   /always-fail/<key>    500
//   /slow/<key>           answers after 3 s (longer than the test's per-attempt timeout)
//   /redirect/<key>       302 to http://169.254.169.254/latest/meta-data/ (must not be followed)
//   GET /__received?key=<key>   what reached <key> so far: [{path, headers, body, at}]
// Any other host answers 502 at once (the tests run offline; nothing goes to the network) and is
// recorded under the key `host:<host>`, so a test can prove a request was never made.
import { Response, type Request } from "miniflare";

export const RECEIVER_ORIGIN = "http://localhost:8788";

interface Received {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

const received = new Map<string, Received[]>();

const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });

export async function webhookReceiver(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host === "localhost:8788" && url.pathname === "/__received") return json(received.get(url.searchParams.get("key") ?? "") ?? []);
  const other = url.host !== "localhost:8788";
  const [, behaviour = "", key = ""] = other ? ["", "offline", `host:${url.hostname}`] : url.pathname.split("/");
  const body = await request.text();
  const list = received.get(key) ?? [];
  received.set(key, list);
  list.push({ path: url.pathname, method: request.method, headers: Object.fromEntries(request.headers), body, at: Date.now() });
  const n = list.length;

  switch (behaviour) {
    case "ok":
      return new Response("ok");
    case "fail-twice":
      return n <= 2 ? new Response("try again later", { status: 500 }) : new Response("ok");
    case "always-fail":
      return new Response("receiver is down", { status: 500 });
    case "slow":
      await new Promise((r) => setTimeout(r, 3_000));
      return new Response("too late");
    case "redirect":
      return new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } });
    case "offline":
      return new Response("no network in tests", { status: 502 });
    default:
      return new Response("unknown receiver path", { status: 404 });
  }
}
