// Sessions: a session ends after 30 minutes without events; the next event
// starts a new one (the core then sends `session_start` with referrer and UTM).
// Stored as "id.lastActivityMs" (localStorage, so tabs share it; sessionStorage
// when cookieless).

export const IDLE_MS = 18e5; // 30 minutes

/** The stored session's id if it is still active at `t`, else "" (30 idle minutes: a new session). */
export const touch = (stored: string | null | undefined, t: number): string => {
  const [i, l] = (stored + "").split(".");
  return t - +l! < IDLE_MS ? i! : "";
};
