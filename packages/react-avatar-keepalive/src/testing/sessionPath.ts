/** The session calls the mock answers. */
export type MockEndpoint = 'keep-alive' | 'end'

/**
 * The msw path of one session call. Without `baseUrl`, any origin and path prefix matches (both
 * regions, a proxy); an absolute `baseUrl` restricts to that origin and path; a relative one (`/api`)
 * to that path on any origin. A RegExp, not an msw path string, so msw decodes nothing: the id is
 * read from the raw segment by `sessionIdOf`.
 *
 * @example
 * ```ts
 * sessionPathPattern('keep-alive', AVATAR_API_EU).test('https://api.avatar.eu.kaltura.ai/v1/avatar-session/s/keep-alive') // true
 * ```
 */
export function sessionPathPattern(endpoint: MockEndpoint, baseUrl?: string): RegExp {
  return new RegExp(`${basePattern(baseUrl)}/avatar-session/[^/]+/${endpoint}$`)
}

/**
 * The decoded session id of a session call's URL, or `null` when its segment is not valid
 * percent-encoding.
 *
 * @example
 * ```ts
 * sessionIdOf('https://x/v1/avatar-session/a%2Fb/keep-alive') // 'a/b'
 * ```
 */
export function sessionIdOf(url: string): string | null {
  const segment = /\/avatar-session\/([^/]+)\/[^/]+$/.exec(new URL(url).pathname)?.[1]
  if (segment === undefined) return null
  try {
    return decodeURIComponent(segment)
  } catch {
    return null
  }
}

// msw tests a RegExp against the request's origin + pathname.
function basePattern(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return ''
  if (/^[a-z][a-z\d+.-]*:\/\//i.test(baseUrl)) {
    const url = new URL(baseUrl)
    return `^${escapeRegExp(url.origin + url.pathname.replace(/\/+$/, ''))}`
  }
  const path = baseUrl.replace(/^\/+|\/+$/g, '')
  return `^[a-z][a-z\\d+.-]*://[^/]+${escapeRegExp(path === '' ? '' : `/${path}`)}`
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
