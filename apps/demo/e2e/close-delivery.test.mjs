// Does `endOnPageHide` end the session when a tab closes? Counted per engine, over CLOSES closes
// each way: by the driver (as near as a driver gets to a person's close button) and by script (the
// window's opener calls `w.close()`, as issue #21 measured). A consumer page
// (./fixtures/end-on-close.mjs, the built package in React 19) keeps a session on the Node mock
// server, which sees whether `/end` arrives.
//
// Firefox cuts a closing tab's script off a millisecond or two into `pagehide` (it shuts the tab's
// process down): before the package sent the end request first thing, a tab closed through
// WebDriver BiDi lost it about half the time (issue #21). The test prints each rate and fails
// below REQUIRED_DELIVERY.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startMockApiServer } from '../../../scripts/mockApiServer.mjs'
import { ENGINES, launch } from './browsers.mjs'
import { html, serveFixture } from './fixtures/serve.mjs'
import { figure, until } from './harness.mjs'

const CLOSES = Number(process.env.CLOSES ?? 10)
/** How long after the close an end request may still arrive. */
const END_WAIT = 3_000

/** The share of closes whose end request must reach the server, per engine and way of closing (issue #21 asks for at least 9 of 10 in Firefox). */
const REQUIRED_DELIVERY = {
  chromium: { driver: 1, script: 1 },
  firefox: { driver: 0.9, script: 1 },
  webkit: { driver: 1, script: 1 },
}

let app
let server

/** The fixture page, and the opener for script closes: a click (a user gesture, which WebKit's
 * popup blocker asks for) opens `window.next` in a popup window, kept as `window.child`. */
const serveEndOnClose = () =>
  serveFixture({
    fixture: 'end-on-close.mjs',
    format: 'esm',
    pages: {
      '/': html(
        'end on close',
        '<div id="root"></div><script type="module" src="/app.js"></script>',
      ),
      '/launcher': html(
        'end on close',
        `<button id="open" onclick="window.child = open(window.next, '_blank', 'popup,width=900,height=700')">open</button>`,
      ),
    },
  })

before(async () => {
  app = await serveEndOnClose()
  server = await startMockApiServer({ sessions: {}, idleTimeout: 30_000 })
})
after(async () => {
  await app?.close()
  await server?.close()
})

for (const engine of ENGINES) {
  describe(engine, () => {
    let browser
    let context
    let attempt = 0

    before(async () => {
      browser = await launch(engine, { throttled: true })
      context = await browser.defaultContext()
    })
    after(async () => {
      await browser?.close()
    })

    /** Opens the page on a new session, closes it `how`, and says whether `/end` arrived. */
    async function closeOnce(how) {
      const sessionId = `close-${engine}-${++attempt}`
      const token = `token-${sessionId}`
      server.api.addSession(sessionId, token)
      const url = `${app.url}#${new URLSearchParams({ baseUrl: server.url, sessionId, token })}`
      // Script closes get a context of their own, closed after the count: WebKit's driver hangs on
      // a later window switch once a window the page opened has closed.
      const scriptContext = how === 'script' ? await browser.newContext() : null
      let page
      try {
        if (how === 'driver') {
          page = await context.newPage()
          await page.goto(url)
        } else {
          const launcher = await scriptContext.newPage()
          await launcher.goto(`${app.url}launcher`)
          await launcher.evaluate((next) => (window.next = next), url)
          page = await scriptContext.waitForPopup(() => launcher.click('#open'))
          page.launcher = launcher
        }
        await page.waitFor(() => document.getElementById('status')?.dataset.status === 'alive', {
          timeout: 15_000,
          message: 'the page never kept its session alive',
        })
        if (how === 'driver') {
          await page.close()
        } else {
          await page.launcher.evaluate(() => window.child.close())
          await until(() => page.isGone(), { message: 'w.close() did not close the window' })
          page.closed = true
        }
        const closedAt = Date.now()
        const end = await until(
          () =>
            server.api.requests.find(
              (entry) => entry.sessionId === sessionId && entry.endpoint === 'end',
            ),
          { timeout: END_WAIT, step: 20 },
        ).catch(() => null)
        return end === null ? null : { status: end.status, afterMs: end.at - closedAt }
      } finally {
        if (how === 'driver' && page && !page.closed) await page.close().catch(() => {})
        await scriptContext?.close()
      }
    }

    test(`endOnPageHide: the end request on ${CLOSES} driver closes and ${CLOSES} script closes`, async (t) => {
      const results = { driver: [], script: [] }
      for (let i = 0; i < CLOSES; i++) {
        for (const how of ['driver', 'script']) results[how].push(await closeOnce(how))
      }
      const delivered = (how) => results[how].filter(Boolean).length
      figure(
        t,
        engine,
        'close.endDelivered',
        { driver: `${delivered('driver')}/${CLOSES}`, script: `${delivered('script')}/${CLOSES}` },
        `endOnPageHide: end request delivered on ${delivered('driver')} of ${CLOSES} driver closes, ` +
          `${delivered('script')} of ${CLOSES} script closes (the opener's w.close())`,
      )
      for (const how of ['driver', 'script']) {
        const arrived = results[how].filter(Boolean)
        assert.ok(
          arrived.every((end) => end.status === 200),
          `${how}: an end was refused: ${arrived.map((end) => end.status).join(', ')}`,
        )
        const required = Math.ceil(REQUIRED_DELIVERY[engine][how] * CLOSES)
        if (delivered(how) < CLOSES) {
          t.diagnostic(
            `${engine}: ${how} close: ${CLOSES - delivered(how)} end requests lost; required ` +
              `${required} of ${CLOSES} (REQUIRED_DELIVERY)`,
          )
        }
        assert.ok(
          delivered(how) >= required,
          `${how} close: the end arrived ${delivered(how)} of ${CLOSES} times, below ${required}`,
        )
      }
    })
  })
}
