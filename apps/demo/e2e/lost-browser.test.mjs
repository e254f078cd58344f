// The harness's retry of a test whose browser is lost (harness.mjs `runOrRetry`): WebKitWebDriver
// deletes its session when a page's web process crashes, which WebKitGTK under Xvfb does now and
// then, and every later test of that browser failed on the dead session. Here a page crashes on
// purpose (its web processes killed) and the test runs again in a new browser; anything else
// fails as it did.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { ENGINES, launch } from './browsers.mjs'
import { WebDriverError } from './drivers/webdriver.mjs'
import { runOrRetry, until } from './harness.mjs'

/** A test context that keeps what the retry says. */
const context = (name) => {
  const said = []
  return { name, said, diagnostic: (message) => said.push(message) }
}

const lost = () =>
  new WebDriverError('POST /session/1/execute/sync', 404, {
    error: 'invalid session id',
    message: 'session deleted because of page crash or hang.',
  })

describe('a browser lost mid-test', () => {
  test('WebKit: a page crashes; the test runs again in a new browser, once, and says so', async (t) => {
    if (!ENGINES.includes('webkit')) return t.skip('WebKit is not among BROWSERS')
    let browser = await launch('webkit')
    let pages = await browser.defaultContext()
    let attempts = 0
    let restarts = 0
    const run = context('crash')
    try {
      const text = await runOrRetry(
        run,
        async () => {
          attempts += 1
          const page = await pages.newPage()
          await page.goto('data:text/html,<p id="kept">kept</p>')
          if (attempts === 1) {
            pages.crashPages()
            // The driver notices the crash at its next command; until then it still answers.
            await until(() => page.evaluate(() => false), { timeout: 10_000 })
          }
          return page.text('#kept')
        },
        async () => {
          restarts += 1
          await browser.close()
          browser = await launch('webkit')
          pages = await browser.defaultContext()
        },
      )
      assert.equal(text, 'kept')
      assert.deepEqual({ attempts, restarts }, { attempts: 2, restarts: 1 })
      assert.equal(run.said.length, 1)
      assert.match(
        run.said[0],
        /^the browser was lost \(.*(invalid session id: session deleted because of page crash or hang|unknown error: Could not parse script result).*\); a new one runs the test again, once$/,
      )
    } finally {
      await browser.close()
    }
  })

  // What CI met on 2026-12-06: the script that found the crash was under way as the page died.
  test("a script's answer lost with its page counts as the browser lost; another unknown error does not", async () => {
    const unknown = (message) =>
      new WebDriverError('POST /session/1/execute/sync', 500, { error: 'unknown error', message })
    let attempts = 0
    const said = context('script')
    const text = await runOrRetry(
      said,
      async () => {
        attempts += 1
        if (attempts === 1) throw unknown('Could not parse script result')
        return 'kept'
      },
      async () => {},
    )
    assert.deepEqual({ text, attempts }, { text: 'kept', attempts: 2 })
    assert.equal(said.said.length, 1)
    const other = unknown('Unexpected alert open')
    await assert.rejects(
      runOrRetry(
        context('other'),
        async () => {
          throw other
        },
        async () => assert.fail('restarted for an error that is no lost browser'),
      ),
      other,
    )
  })

  test('a test that fails otherwise is not run again', async () => {
    let attempts = 0
    let restarts = 0
    const failure = new assert.AssertionError({ message: 'two senders', actual: 2, expected: 1 })
    await assert.rejects(
      runOrRetry(
        context('fails'),
        async () => {
          attempts += 1
          throw failure
        },
        async () => (restarts += 1),
      ),
      failure,
    )
    assert.deepEqual({ attempts, restarts }, { attempts: 1, restarts: 0 })
  })

  test('a browser lost twice fails the test', async () => {
    let attempts = 0
    let restarts = 0
    await assert.rejects(
      runOrRetry(
        context('twice'),
        async () => {
          attempts += 1
          throw lost()
        },
        async () => (restarts += 1),
      ),
      { name: 'WebDriverError', error: 'invalid session id' },
    )
    assert.deepEqual({ attempts, restarts }, { attempts: 2, restarts: 1 })
  })
})
