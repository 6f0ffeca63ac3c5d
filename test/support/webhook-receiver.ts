// A webhook receiver for the worker tests, running in Node as Miniflare's `outboundService`:
// every `fetch` the Worker (and the test code inside workerd) makes to the network arrives here
// as a real HTTP request, so alert delivery is tested against a peer, not a mock of our code.
//
// On http://localhost:8788 (the receiver's port in `npm start` too), by path:
//   /ok/<key>             200
//   /fail-twice/<key>     500, 500, then 200
//   /always-fail/<key>    500
//   /leaky/<key>          500 with an error page that holds a password (must never be shown)
//   /origin-down/<key>    521, /origin-timeout/<key> 522: what Cloudflare's proxy answers when a
//                         proxied receiver refuses the connection or never answers
//   /slow/<key>           answers after 3 s (longer than the test's per-attempt timeout)
//   /redirect/<key>       302 to http://169.254.169.254/latest/meta-data/ (must not be followed)
//   /signed/<key>?secret=<s>  200 when X-EdgeScore-Signature verifies under <s>, else 401: a
//                         receiver that knows one secret and accepts any listed signature
//   GET /__received?key=<key>   what reached <key> so far: [{path, method, headers, body, at}]
//   GET /__closed-port    a loopback port nothing listens on (bound, then released)
// A loopback host on another port (127.0.0.1:<port>, localhost:<port>) is tried for real: when
// nothing listens there, the connection from workerd is dropped unanswered, so the Worker's
// fetch rejects ("Network connection lost") as it does in production for a closed port. A
// Node-style service (`{ node }`) is used because Miniflare turns an exception thrown by a
// fetch-style one into a 500 answer, which no closed port ever gives.
// Any other host answers 502 at once (the tests run offline; nothing leaves the machine) and is
// recorded under the key `host:<host>`, so a test can prove a request was never made.
import type { IncomingMessage, ServerResponse } from "node:http";
import { connect, createServer } from "node:net";
import { Headers, Request, Response } from "miniflare";
import { verifySignature } from "../../scripts/receiver.mjs";

export const RECEIVER_ORIGIN = "http://localhost:8788";
const OWN_HOST = "localhost:8788";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

interface Received {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

const received = new Map<string, Received[]>();

const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { "content-type": "application/json" } });

/** What a receiver should do (README, "Verifying signatures"): the demo receiver's own check. */
export const signatureMatches = verifySignature;

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const ours = url.host === OWN_HOST;
  if (ours && url.pathname === "/__received") return json(received.get(url.searchParams.get("key") ?? "") ?? []);
  if (ours && url.pathname === "/__closed-port") return json(await closedPort());
  const [, behaviour = "", key = ""] = ours ? url.pathname.split("/") : ["", "offline", `host:${url.hostname}`];
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
    case "leaky":
      return new Response("<h1>DB error</h1><pre>connect(postgres://app:password=hunter2@10.0.0.5/crm) failed</pre>", {
        status: 500,
        headers: { "content-type": "text/html" },
      });
    case "origin-down":
      return new Response("Web server is down", { status: 521 });
    case "origin-timeout":
      return new Response("Connection timed out", { status: 522 });
    case "slow":
      await new Promise((r) => setTimeout(r, 3_000));
      return new Response("too late");
    case "redirect":
      return new Response(null, { status: 302, headers: { location: "http://169.254.169.254/latest/meta-data/" } });
    case "signed":
      return signatureMatches(url.searchParams.get("secret") ?? "", body, request.headers.get("x-edgescore-signature"))
        ? new Response("ok")
        : new Response("bad signature", { status: 401 });
    case "offline":
      return new Response("no network in tests", { status: 502 });
    default:
      return new Response("unknown receiver path", { status: 404 });
  }
}

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export const webhookReceiver = {
  async node(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? OWN_HOST}`);
    if (url.host !== OWN_HOST && LOOPBACK.has(url.hostname)) {
      const open = await listening(url.hostname.replace(/^\[|\]$/g, ""), Number(url.port || 80));
      if (!open) {
        // workerd logs the dropped connection ("Network connection lost") from Miniflare's
        // relay script: expected noise in the test output.
        req.socket.destroy();
        return;
      }
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && !k.startsWith("mf-")) headers.set(k, v);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const response = await handle(new Request(url, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  },
};
