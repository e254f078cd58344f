export function formatTime(at: number): string {
  const date = new Date(at)
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0')
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`
}

/** `url` without a `user:password@` before its host, for showing it on the page. */
export function withoutCredentials(url: string): string {
  return url.replace(/^((?:[a-z][\w+.-]*:)?\/\/+)[^/?#\\]*@/i, '$1')
}
