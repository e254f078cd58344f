// A session kept from a sandboxed iframe (`sandbox="allow-scripts"`: an opaque origin), in each
// engine. There `navigator.locks` exists but refuses every request; the package used to ask again
// on each refusal, a loop of microtasks that hung the frame (and, in one process, its parent) and
// never sent a keep-alive. The frame (./fixtures/keep-in-sandbox.mjs, the built package in React
// 19) keeps a session on the Node mock server; the parent page records what the frame tells it
// and pings it every 250 ms to see that it still answers.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { ENGINES, launch } from './browsers.mjs'
import { html, serveFixture } from './fixtures/serve.mjs'
import { figure, gaps, sleep } from './harness.mjs'

const INTERVAL = 2_000
const KEPT_FOR = 10_000

let app
let server

/** The parent page and the frame's page (a classic script: a module script would be fetched with
 * CORS from the frame's opaque origin). The parent keeps the frame's news in window.news and its
 * answers to "alive?" in window.pongs. */
const serveSandbox = () =>
  serveFixture({
    fixture: 'keep-in-sandbox.mjs',
    format: 'iife',
    pages: {
      '/frame': html('sandboxed frame', '<div id="root"></div><script src="/app.js"></script>'),
      '/': html(
        'sandboxed',
        `<iframe id="frame" sandbox="allow-scripts"></iframe><script>
          window.news = []; window.pongs = []
          addEventListener('message', ({ data }) => data && data.pong ? pongs.push(Date.now()) : news.push({ at: Date.now(), ...data }))
          document.getElementById('frame').src = '/frame' + location.hash
          setInterval(() => document.getElementById('frame').contentWindow.postMessage('alive?', '*'), 250)
        </script>`,
      ),
    },
  })

before(async () => {
  app = await serveSandbox()
  // A sandboxed frame's requests carry `Origin: null`.
  server = await startMockApiServer({ sessions: {}, idleTimeout: 30_000, origins: ['null'] })
})
after(async () => {
  await app?.close()
  await server?.close()
})

for (const engine of ENGINES) {
  describe(engine, () => {
    let browser

    before(async () => {
      browser = await launch(engine, { throttled: true })
    })
    after(async () => {
      await browser?.close()
    })

    test('a sandboxed iframe (opaque origin) keeps its session on its own, and keeps answering', async (t) => {
      const sessionId = `sandboxed-${engine}`
      const token = `token-${sessionId}`
      server.api.addSession(sessionId, token)
      const context = await browser.defaultContext()
      const page = await context.newPage()
      try {
        await page.goto(
          `${app.url}#${new URLSearchParams({ baseUrl: server.url, sessionId, token })}`,
        )
        const locks = await page.waitFor(() => window.news.find((n) => n.locks)?.locks, {
          timeout: 15_000,
          message: 'the frame never said what its lock manager answered',
        })
        const startedAt = Date.now()
        await sleep(KEPT_FOR)
        const { news, pongs } = await page.evaluate(() => ({
          news: window.news,
          pongs: window.pongs,
        }))
        const keepAlives = server.api.requests
          .filter((entry) => entry.sessionId === sessionId && entry.endpoint === 'keep-alive')
          .map((entry) => entry.at)
        const statuses = news.filter((n) => n.status).map((n) => n.status)
        const answered = pongs.filter((at) => at >= startedAt)
        const silence = Math.max(0, ...gaps([startedAt, ...answered, Date.now()]))
        figure(
          t,
          engine,
          'sandbox.keepAlives',
          { locks, keepAlives: keepAlives.length, longestSilenceMs: silence },
          `sandboxed iframe: Web Locks ${locks}; ${keepAlives.length} keep-alives in ` +
            `${KEPT_FOR / 1000} s (interval ${INTERVAL / 1000} s), status ${statuses.join(' → ')}; ` +
            `the frame answered the parent every ${silence} ms at most`,
        )
        assert.ok(
          keepAlives.length >= KEPT_FOR / INTERVAL - 1,
          `${keepAlives.length} keep-alives in ${KEPT_FOR} ms`,
        )
        assert.ok(
          Math.min(...gaps(keepAlives)) >= 1_000,
          `keep-alives too close: ${gaps(keepAlives).join(', ')} ms`,
        )
        assert.equal(statuses.at(-1), 'alive')
        assert.ok(silence < 2_000, `the frame went ${silence} ms without answering`)
      } finally {
        await page.close().catch(() => {})
      }
    })
  })
}
