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
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}
