/**
 * Lower bound of the Wilson score interval for a proportion `events / trials`.
 * With the default z = 1.645 it is the one-sided 95% lower bound: when it is above a
 * threshold, the true rate is above that threshold with 95% confidence — a campaign
 * is never paused because of a few unlucky bounces in a small sample.
 */
export function wilsonLowerBound(events: number, trials: number, z = 1.645): number {
  if (trials <= 0) return 0
  const p = Math.min(1, Math.max(0, events / trials))
  const z2 = z * z
  const centre = p + z2 / (2 * trials)
  const margin = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))
  return Math.max(0, (centre - margin) / (1 + z2 / trials))
}
