/**
 * A `Retry-After` header in ms: delay-seconds or an HTTP date; `null` when absent or unreadable.
 *
 * @example
 * ```ts
 * parseRetryAfter('3') // 3000
 * ```
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000
  // Only an IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"): Date.parse reads '-1' or '1.5' as dates.
  if (!/^\s*[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT\s*$/.test(value)) return null
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}
