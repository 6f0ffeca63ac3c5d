// One POST of an alert to a receiver (the signed webhook and the chat channels alike).
import { NO_RESPONSE, reasonForStatus } from "./reasons";

/** null on a 2xx; otherwise a reason from the closed list in ./reasons (never the receiver's words). */
export async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<string | null> {
  return (await postStatus(url, body, headers, timeoutMs)).reason;
}

/** The same, with the receiver's status code (null: no answer) for the trigger test button. */
export async function postStatus(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<{ status: number | null; reason: string | null }> {
  const deadline = Date.now() + timeoutMs;
  let reason: string | null;
  let status: number | null = null;
  try {
    // Never follow redirects: a 3xx could point anywhere (metadata service, private network),
    // past the URL check. It counts as a failed attempt.
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    // Never read: an error page can hold anything, and nothing of it is kept.
    await res.body?.cancel().catch(() => {});
    status = res.status;
    reason = reasonForStatus(res.status);
  } catch {
    // Refused, reset, DNS, TLS or timed out: all the same to the caller.
    reason = NO_RESPONSE;
  }
  // A refused connection fails in milliseconds, a silent port at the timeout: settle both at the
  // deadline, so the moment the reason appears in the API does not tell them apart either.
  if (reason === NO_RESPONSE) await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
  return { status: reason === NO_RESPONSE ? null : status, reason };
}
