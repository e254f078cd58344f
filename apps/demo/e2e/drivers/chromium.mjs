// Chromium through playwright-core: Debian's /usr/bin/chromium, never a downloaded browser.
//
// Two ways to start it. `launch()` is Playwright's own, which switches background throttling off
// and emulates focus: fine for what a visible page shows, useless for hidden tabs. `throttled: true`
// spawns the binary by hand and attaches over CDP with `noDefaults`, so that hidden pages are
// throttled as in a real browser and pages can be frozen (Page.setWebLifecycleState).
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { CHROMIUM_ARGS, launchChromium } from '../../../../scripts/chromium.mjs'
import { DriverPage, Unsupported } from './page.mjs'
import { spawnGroup } from './processes.mjs'

// The binary behind Debian's /usr/bin/chromium wrapper, started by hand for throttled pages.
const CHROMIUM_BINARY = process.env.CHROMIUM_BINARY ?? '/usr/lib/chromium/chromium'

class ChromiumPage extends DriverPage {
  constructor(context, page) {
    super('chromium', context, page)
  }

  click(selector) {
    return this.page.click(selector)
  }

  fill(selector, value) {
    return this.page.fill(selector, value)
  }

  select(selector, value) {
    return this.page.selectOption(selector, value).then(() => undefined)
  }

  /** A new page in front hides this one (in a throttled Chromium; Playwright's launch emulates focus). */
  async hide() {
    this.cover = await this.context.context.newPage()
  }

  async freeze() {
    if (!this.context.browser.can.freeze) {
      throw new Unsupported('chromium', 'freeze', "Playwright's own launch has no page lifecycle")
    }
    this.cdp ??= await this.page.context().newCDPSession(this.page)
    await this.cdp.send('Page.setWebLifecycleState', { state: 'frozen' })
  }

  async resume() {
    await this.cdp.send('Page.setWebLifecycleState', { state: 'active' })
  }

  screenshot(path) {
    return this.page.screenshot({ path }).then(() => undefined)
  }

  setViewport(width, height) {
    return this.page.setViewportSize({ width, height })
  }

  async errors() {
    return [...this.pageErrors]
  }
}

class ChromiumContext {
  constructor(browser, context) {
    this.browser = browser
    this.context = context
  }

  async newPage() {
    return new ChromiumPage(this, await this.context.newPage())
  }

  /** Runs `action` (e.g. a click) and returns the window the page opened with `window.open`. */
  async waitForPopup(action) {
    const [page] = await Promise.all([this.context.waitForEvent('page'), action()])
    return new ChromiumPage(this, page)
  }

  setOffline(offline) {
    return this.context.setOffline(offline)
  }

  close() {
    return this.context.close()
  }
}

/**
 * @param {{ throttled?: boolean }} options
 */
export async function launch({ throttled = false } = {}) {
  const started = throttled ? await spawnChromium() : { browser: await launchChromium() }
  const browser = {
    engine: 'chromium',
    version: `Chromium ${started.browser.version()}`,
    can: {
      freeze: throttled,
      offline: true,
      popups: true,
      closePopups: true,
      hide: throttled,
      screenshot: true,
    },
    async newContext({ viewport = { width: 1280, height: 800 } } = {}) {
      return new ChromiumContext(browser, await started.browser.newContext({ viewport }))
    },
    defaultContext() {
      const context = started.browser.contexts()[0]
      if (!context) throw new Error('chromium: no default context (use throttled: true)')
      this.default ??= new ChromiumContext(browser, context)
      return this.default
    },
    close: () => (started.close ? started.close() : started.browser.close()),
  }
  if (!throttled) {
    browser.can.hideReason =
      "Playwright's own launch emulates focus: a page behind another is still visible"
  }
  return browser
}

async function spawnChromium() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rak-chromium-'))
  const child = spawnGroup(
    CHROMIUM_BINARY,
    [
      '--headless',
      '--remote-debugging-port=0',
      `--user-data-dir=${userDataDir}`,
      ...CHROMIUM_ARGS,
      'about:blank',
    ],
    // Its own process group, so that closing ends Chromium's helper processes too.
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const endpoint = await new Promise((resolve, reject) => {
    let stderr = ''
    const timer = setTimeout(() => reject(new Error(`Chromium did not start:\n${stderr}`)), 30_000)
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(stderr)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Chromium exited with ${code}:\n${stderr}`))
    })
  })
  const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true })
  return {
    browser,
    async close() {
      await browser.close().catch(() => {})
      if (child.exitCode === null) {
        const exited = once(child, 'exit')
        process.kill(-child.pid, 'SIGTERM')
        await exited
      }
      try {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })
      } catch {
        // A helper process may still be writing its profile; a leftover temp folder is harmless.
      }
    },
  }
}
