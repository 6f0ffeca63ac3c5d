// What a failed delivery stores in alerts.last_error, and what GET /v1/admin/alerts and the
// dashboard show of it: a status code and a fixed reason from a closed list, never what the
// receiver or the network said. A receiver's body can hold anything (an error page with a
// password was shown once), and network error texts tell a refused connection from a timeout,
// that is an open port from a closed one. The status lives inside the text ("HTTP 500"): no
// column of its own, and readReason() gives it back as a number.

export const NO_RESPONSE = "no response";
export const REFUSED_BY_POLICY = "refused by the webhook policy";
export const SITE_DELETED = "site deleted";
/** The email channel (issue 14): the send_email binding refused the message (e.g. an unverified destination). */
export const EMAIL_REFUSED = "email not accepted";
/** The email channel without a send_email binding in this deployment. */
export const EMAIL_NOT_CONFIGURED = "email not configured";

/**
 * Answers of Cloudflare's proxy when a receiver behind it could not be reached: 521 refused,
 * 522/524 timed out, 520/523 unreachable or reset, 525/526 TLS, 530 DNS. Told apart they would
 * again say which port is open, so they count as no response.
 */
const ORIGIN_UNREACHABLE = new Set([520, 521, 522, 523, 524, 525, 526, 527, 530]);

/** The stored reason for a receiver's answer; null for a 2xx (delivered). */
export function reasonForStatus(status: number): string | null {
  if (status >= 200 && status < 300) return null;
  if (status >= 300 && status < 400) return `redirect not followed (HTTP ${status})`;
  if (ORIGIN_UNREACHABLE.has(status)) return NO_RESPONSE;
  return `HTTP ${status}`;
}

export interface Reason {
  lastError: string | null;
  lastStatus: number | null;
}

/**
 * A stored last_error as shown by the API and the dashboard. Rows written before the closed
 * list existed hold free text (receiver bodies, redirect targets, network errors): they are
 * reduced to the same list on the way out, so nothing but the list is ever shown.
 */
export function readReason(stored: string | null): Reason {
  if (stored === null) return { lastError: null, lastStatus: null };
  const http = /^(?:HTTP (\d{3})\b|redirect not followed \(HTTP (\d{3})\)$)/.exec(stored);
  const status = Number(http?.[1] ?? http?.[2] ?? NaN);
  if (status >= 100 && status <= 599) {
    const lastError = reasonForStatus(status);
    if (lastError && lastError !== NO_RESPONSE) return { lastError, lastStatus: status };
  }
  // "refused: <policy reason>; not sent" before the list.
  if (stored.startsWith("refused")) return { lastError: REFUSED_BY_POLICY, lastStatus: null };
  if (stored === EMAIL_REFUSED || stored === EMAIL_NOT_CONFIGURED) return { lastError: stored, lastStatus: null };
  if (stored === SITE_DELETED || stored.startsWith("the site no longer exists")) return { lastError: SITE_DELETED, lastStatus: null };
  return { lastError: NO_RESPONSE, lastStatus: null };
}
