// What every engine's page has in common: reading the DOM and waiting are built on `evaluate`
// alone, polled from Node, so they behave the same in each engine (and in a hidden page, where
// requestAnimationFrame-based waits would stall).

/** Thrown by a step an engine cannot take; `reason` says why, for the test to print. */
export class Unsupported extends Error {
  constructor(engine, step, reason) {
    super(`${engine} cannot ${step}: ${reason}`)
    this.name = 'Unsupported'
    this.reason = reason
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Is the first element matching `selector` there (and, for `visible`, laid out)? In the page. */
function selectorState(selector, state) {
  const element = document.querySelector(selector)
  if (state === 'detached') return element === null
  if (state === 'attached') return element !== null
  return element !== null && element.getClientRects().length > 0
}

export class BasePage {
  constructor(engine) {
    this.engine = engine
    this.closed = false
  }

  /**
   * Runs `fn` in the page with JSON arguments and returns its JSON result (a promise is awaited).
   * `fn` must be self-contained: it is sent as source text.
   */
  evaluate(fn, ...args) {
    return this.evaluateSource(fn.toString(), args)
  }

  /**
   * Polls `fn(...args)` in the page until it returns something truthy; returns that. An error
   * thrown meanwhile (the page navigating) is retried, and reported if it is the last word.
   */
  async waitFor(fn, { args = [], timeout = 10_000, step = 25, message } = {}) {
    const deadline = Date.now() + timeout
    for (;;) {
      let error
      try {
        const value = await this.evaluate(fn, ...args)
        if (value) return value
      } catch (thrown) {
        if (this.closed) throw thrown
        error = thrown
      }
      if (Date.now() > deadline) {
        const text = message ?? `timed out after ${timeout} ms: ${fn}`
        throw new Error(`${this.engine}: ${text}${error ? ` (last error: ${error.message})` : ''}`)
      }
      await sleep(step)
    }
  }

  /** Waits until `selector` is `visible` (default, as Playwright), `attached` or `detached`. */
  async waitForSelector(selector, { state = 'visible', timeout = 10_000 } = {}) {
    await this.waitFor(selectorState, {
      args: [selector, state],
      timeout,
      message: `"${selector}" not ${state} after ${timeout} ms`,
    })
  }

  /** The first match's textContent, or null. */
  text(selector) {
    return this.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector)
  }

  /** An attribute of the first match, or null. */
  attr(selector, name) {
    return this.evaluate(
      (s, n) => document.querySelector(s)?.getAttribute(n) ?? null,
      selector,
      name,
    )
  }

  count(selector) {
    return this.evaluate((s) => document.querySelectorAll(s).length, selector)
  }

  visibility() {
    return this.evaluate(() => document.visibilityState)
  }

  /** Goes back one entry in the page's history, as the Back button does; returns once asked. */
  back() {
    return this.evaluate(() => void setTimeout(() => history.back(), 0))
  }

  /**
   * Closes the page from inside, `window.close()`: engines allow it for a window the page's script
   * opened, or one whose history holds a single entry (load it with `location.replace`).
   */
  async closeByScript({ timeout = 5_000 } = {}) {
    await this.evaluate(() => void setTimeout(() => window.close(), 0))
    const deadline = Date.now() + timeout
    while (!(await this.isGone())) {
      if (Date.now() > deadline) throw new Error(`${this.engine}: window.close() did not close it`)
      await sleep(25)
    }
    this.closed = true
  }
}

/**
 * A page of playwright-core (Chromium) or puppeteer-core (Firefox): both give the same events,
 * `goto` and string `evaluate`.
 */
export class DriverPage extends BasePage {
  constructor(engine, context, page) {
    super(engine)
    this.context = context
    this.page = page
    this.pageErrors = []
    this.cover = null
    page.on('pageerror', (error) => this.pageErrors.push(String(error)))
    page.on('close', () => (this.closed = true))
  }

  goto(url) {
    return this.page.goto(url).then(() => undefined)
  }

  // One argument for both libraries: a call expression with the arguments inlined.
  evaluateSource(source, args) {
    return this.page.evaluate(`(${source})(...${JSON.stringify(args)})`)
  }

  /** Brings the page back in front of the one `hide()` opened over it. */
  async show() {
    await this.page.bringToFront()
    await this.cover?.close()
    this.cover = null
  }

  close() {
    return this.page.close()
  }

  async isGone() {
    return this.page.isClosed()
  }
}
