/**
 * The review's train / held-out split: deterministic by lead id (FNV-1a 32-bit hash, 30 % held
 * out), so the same lead is always on the same side, a report is reproducible, and the benchmark
 * can fit its plain logistic regression on exactly the same leads. Lead ids are random, so the
 * split is a uniform random one.
 */
export const HOLDOUT_PERCENT = 30;

export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function isHoldout(id: string): boolean {
  return idHash(id) % 100 < HOLDOUT_PERCENT;
}

export const SPLIT_DESCRIPTION = `deterministic ${100 - HOLDOUT_PERCENT}/${HOLDOUT_PERCENT} split by a hash of the lead id (FNV-1a mod 100 < ${HOLDOUT_PERCENT}: held out)`;
