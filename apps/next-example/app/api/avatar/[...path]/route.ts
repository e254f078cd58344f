import { AVATAR_API_US } from 'react-avatar-keepalive/core'

// The same-origin proxy for `useAvatarKeepAlive(..., { baseUrl: '/api/avatar' })`: the browser's
// keep-alive (and end) calls come here, and the session token is added here, on the server, so it
// never reaches the browser. A real app also checks its own user's auth here: whoever can call this
// route can keep the session alive. Never log the token, or the request's headers.
const ENDPOINTS = ['keep-alive', 'end']

export async function POST(
  request: Request,
  { params }: { params: Promise<{ path: string[] }> },
): Promise<Response> {
  const [resource, sessionId, endpoint, ...rest] = (await params).path
  const heldSessionId = process.env.AVATAR_SESSION_ID
  const token = process.env.AVATAR_SESSION_TOKEN
  // Only the calls the hook makes, and only for the session this server holds the token of.
  if (
    !heldSessionId ||
    !token ||
    resource !== 'avatar-session' ||
    sessionId !== heldSessionId ||
    !ENDPOINTS.includes(endpoint ?? '') ||
    rest.length > 0
  ) {
    return Response.json({ success: false, error: 'Session not found' }, { status: 404 })
  }

  const base = (process.env.AVATAR_API_URL ?? AVATAR_API_US).replace(/\/+$/, '')
  const url = `${base}/avatar-session/${encodeURIComponent(heldSessionId)}/${endpoint}`
  let upstream: Response
  try {
    upstream = await fetch(url, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: (await request.text()) || '{}',
      signal: request.signal, // the hook's timeout aborts the upstream call too
      cache: 'no-store',
    })
  } catch {
    return Response.json({ success: false, error: 'Avatar API unreachable' }, { status: 502 })
  }

  const headers = new Headers({
    'Content-Type': upstream.headers.get('Content-Type') ?? 'application/json',
  })
  const retryAfter = upstream.headers.get('Retry-After')
  if (retryAfter) headers.set('Retry-After', retryAfter)
  // The browser cannot redact a token it never saw: do it here, should the API echo it.
  const body = (await upstream.text()).split(token).join('[redacted]')
  return new Response(body, { status: upstream.status, headers })
}
