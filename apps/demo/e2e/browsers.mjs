// One API for the three browser engines the demo's tests run in, each installed from Debian:
// Chromium (playwright-core), Firefox ESR (WebDriver BiDi through puppeteer-core) and WebKitGTK
// (W3C WebDriver: WebKitWebDriver + MiniBrowser under Xvfb). A test is written once against it:
//
//   for (const engine of ENGINES) describe(engine, () => { ... await launch(engine) ... })
//
// or, for a browser per engine shared by a file's tests, eachEngine((context) => { test(…) }).
//
// Browser  { engine, version, can, newContext(), defaultContext(), close() }
//   can: { freeze, offline, popups, closePopups, hide, screenshot } and, where false, `<name>Reason`
// Context  { newPage(), waitForPopup(action), setOffline(bool), close() }
//   newPage: Chromium and Firefox open a tab in front; WebKit a window (behind, still visible)
// Page     { engine, closed, goto(url), evaluate(fn, ...args), waitFor(fn, { args, timeout }),
//            waitForSelector(selector, { state, timeout }), text(sel), attr(sel, name), count(sel),
//            click(sel), fill(sel, value), select(sel, value), visibility(), back(), hide(), show(),
//            close(), closeByScript(), freeze(), resume(), screenshot(path), setViewport(w, h),
//            errors() }
//
// A step an engine cannot take throws `Unsupported` with the reason; tests check `browser.can`
// first and print the reason with `t.diagnostic` (or `t.skip(reason)` for a whole sub-test).
// Requests are never counted through a driver's network events (only Chromium's has them): tests
// count them at the Node mock server or in the demo's own Requests panel.
import { after, before, describe } from 'node:test'
import { launch as launchChromium } from './drivers/chromium.mjs'
import { launch as launchFirefox } from './drivers/firefox.mjs'
import { launch as launchWebKit } from './drivers/webkit.mjs'

export { Unsupported } from './drivers/page.mjs'

export const ALL_ENGINES = ['chromium', 'firefox', 'webkit']

/** The engines to run, from `BROWSERS=chromium,firefox` (default: all three). */
export const ENGINES = (() => {
  const wanted = (process.env.BROWSERS ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean)
  if (wanted.length === 0) return ALL_ENGINES
  const unknown = wanted.filter((name) => !ALL_ENGINES.includes(name))
  if (unknown.length > 0) throw new Error(`BROWSERS: unknown engine ${unknown.join(', ')}`)
  return ALL_ENGINES.filter((name) => wanted.includes(name))
})()

/**
 * Starts a browser. `throttled` matters to Chromium only: it is then spawned by hand and attached
 * over CDP, so that hidden pages are throttled and can be frozen (Firefox and WebKit always
 * throttle hidden pages as a person's browser does).
 *
 * @param {'chromium' | 'firefox' | 'webkit'} engine
 * @param {{ throttled?: boolean }} [options]
 */
export function launch(engine, options = {}) {
  switch (engine) {
    case 'chromium':
      return launchChromium(options)
    case 'firefox':
      return launchFirefox(options)
    case 'webkit':
      return launchWebKit(options)
    default:
      throw new Error(`unknown engine ${engine}`)
  }
}

/**
 * `describe(engine, …)` for each engine, with a browser of its own launched before its tests and
 * closed after them: `body` gets `{ engine, browser }`, whose `browser` is set once they run.
 *
 * @param {(context: { engine: string, browser?: Awaited<ReturnType<typeof launch>> }) => void} body
 * @param {{ throttled?: boolean }} [options]
 */
export function eachEngine(body, options = {}) {
  for (const engine of ENGINES) {
    describe(engine, () => {
      const context = { engine, browser: undefined }
      before(async () => {
        context.browser = await launch(engine, options)
      })
      after(async () => {
        await context.browser?.close()
      })
      body(context)
    })
  }
}
