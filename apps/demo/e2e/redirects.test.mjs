// A keep-alive answered with a redirect, in each engine. The API never redirects, but a proxy, a
// trailing-slash rule or an http → https rule may. Followed, a 302 sent the keep-alive on as a GET
// (a POST-only route's 404 ended a live session: `not-found`), and a 307 to another origin lost
// its Authorization header (its 401 refused a good token for good). The package does not follow
// redirects: the page (./fixtures/keep-through-redirects.mjs, the built core) sees an unexpected
// answer, retries, and nothing reaches the redirect's target. The page's own server is the API.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { eachEngine } from './browsers.mjs'
import { html, serveFixture } from './fixtures/serve.mjs'
import { sleep } from './harness.mjs'

/** Every request the API saw: method, host, path, and whether it carried a token. */
const requests = []
/** Session id → the redirect its first keep-alive is answered with. */
const redirects = new Map()
let app

/** The API: a redirect for a session's first keep-alive, `{"success":true}` for the others, and
 * at every other path what a POST-only route answers a GET, or another origin a request without
 * its token (neither should ever be asked). */
function api(req, res) {
  if (req.url === '/favicon.ico') return res.writeHead(404).end()
  requests.push(
    `${req.method} ${req.headers.host} ${req.url} ${req.headers.authorization ? 'token' : 'no token'}`,
  )
  const [, id] = /^\/v1\/avatar-session\/([^/]+)\/keep-alive$/.exec(req.url) ?? []
  const json = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  if (req.method !== 'POST' || !id) return json(404, { success: false, error: 'Not found' })
  const redirect = redirects.get(id)
  if (!redirect) return json(200, { success: true })
  redirects.delete(id)
  res.writeHead(redirect.status, { location: redirect.location })
  res.end()
}

before(async () => {
  app = await serveFixture({
    fixture: 'keep-through-redirects.mjs',
    format: 'esm',
    pages: { '/': html('redirects', '<script type="module" src="/app.js"></script>') },
    handle: api,
  })
})
after(async () => {
  await app?.close()
})

eachEngine((context) => {
  const { engine } = context
  for (const [name, status, location] of [
    ['a 302 to a route that answers a GET 404', 302, '/moved'],
    // localhost is another origin than the page's 127.0.0.1.
    [
      'a 307 to another origin',
      307,
      (port) => `http://localhost:${port}/v1/avatar-session/x/keep-alive`,
    ],
  ]) {
    test(`${name}: not followed, retried, the session kept`, async () => {
      const sessionId = `${status}-${engine}`
      const port = new URL(app.url).port
      redirects.set(sessionId, {
        status,
        location: typeof location === 'function' ? location(port) : location,
      })
      const page = await (await context.browser.newContext()).newPage()
      try {
        const from = requests.length
        await page.goto(`${app.url}#${new URLSearchParams({ baseUrl: '/v1', sessionId })}`)
        // The redirect at once, the retry a second later, the next keep-alive 2 s after it.
        await sleep(4_000)
        const news = await page.evaluate(() => window.news)
        const seen = requests.slice(from)
        const statuses = news.filter((n) => n.status).map((n) => n.status)
        assert.deepEqual(
          news.filter((n) => n.kind),
          [{ kind: 'invalid-response', httpStatus: null }],
          `errors: ${JSON.stringify(news)}`,
        )
        assert.deepEqual(
          statuses.slice(0, 3),
          ['connecting', 'degraded', 'alive'],
          statuses.join(' → '),
        )
        const keepAlive = `POST 127.0.0.1:${port} /v1/avatar-session/${sessionId}/keep-alive token`
        assert.ok(seen.length >= 2, seen.join('\n'))
        assert.deepEqual(
          seen,
          seen.map(() => keepAlive),
          seen.join('\n'),
        )
      } finally {
        await page.close().catch(() => {})
      }
    })
  }
})
