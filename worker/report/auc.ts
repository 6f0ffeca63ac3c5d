/**
 * Area under the ROC curve of a score against a binary outcome, as the Mann-Whitney U statistic:
 * the probability that a random positive scores above a random negative, ties counted half.
 * O(n log n) (one sort, ties get their average rank). null when a class is empty.
 */
export function auc(scores: ArrayLike<number>, positive: ArrayLike<boolean | number>): number | null {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let pos = 0;
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    // Ranks i+1 … j+1 share their average.
    const avg = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) {
      if (positive[order[k] as number]) {
        pos++;
        rankSum += avg;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return null;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}
