// One request at a time per visitor in this isolate. A visit's beacons often
// overlap (a page's unload beacon and the next page's first), and two requests
// for one lead race: the loser's guarded batch fails and it reads and writes
// again (three round trips or more). Waiting for the running request instead
// costs nothing of D1, and the waiting one then starts from the state that
// request left in the lead cache: one round trip. Across isolates the guard
// still decides; this only keeps one isolate from racing itself.
const running = new Map<string, Promise<unknown>>();

export async function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const before = running.get(key);
  const mine = (before ?? Promise.resolve()).catch(() => undefined).then(work);
  running.set(key, mine);
  try {
    return await mine;
  } finally {
    // The last in line clears the key, so the map holds only visitors in flight.
    if (running.get(key) === mine) running.delete(key);
  }
}
