// Firefox (Debian's firefox-esr) over WebDriver BiDi through puppeteer-core: never a downloaded
// browser. A new tab opens in front and hides the previous one, as a person's new tab does.
import puppeteer from 'puppeteer-core'
import { DriverPage, Unsupported } from './page.mjs'

const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'
const VIEWPORT = { width: 1280, height: 800 }
const NO_FREEZE = 'WebDriver BiDi has no command that freezes a page (Chromium does it over CDP)'

/**
 * puppeteer's setViewport also sends emulation.setScreenOrientationOverride, which Firefox ESR 140
 * (Debian bookworm's) does not know; the viewport itself is set by the command sent beside it.
 */
async function setViewport(page, viewport) {
  try {
    await page.setViewport(viewport)
  } catch (error) {
    if (!/unknown command emulation\.setScreenOrientationOverride/.test(String(error))) throw error
  }
}

class FirefoxPage extends DriverPage {
  constructor(context, page) {
    super('firefox', context, page)
  }

  click(selector) {
    return this.page.locator(selector).setTimeout(10_000).click()
  }

  fill(selector, value) {
    return this.page.locator(selector).setTimeout(10_000).fill(value)
  }

  async select(selector, value) {
    await this.page.waitForSelector(selector, { timeout: 10_000 })
    await this.page.select(selector, value)
  }

  async hide() {
    this.cover = await this.context.newPage()
  }

  freeze() {
    throw new Unsupported('firefox', 'freeze a page', NO_FREEZE)
  }

  resume() {
    throw new Unsupported('firefox', 'resume a page', NO_FREEZE)
  }

  screenshot(path) {
    return this.page.screenshot({ path }).then(() => undefined)
  }

  setViewport(width, height) {
    return setViewport(this.page, { width, height })
  }

  async errors() {
    return [...this.pageErrors]
  }
}

class FirefoxContext {
  constructor(browser, context) {
    this.browser = browser
    this.context = context
    this.pages = new Set()
    this.offline = false
  }

  track(page) {
    const wrapped = new FirefoxPage(this, page)
    this.pages.add(wrapped)
    page.on('close', () => this.pages.delete(wrapped))
    return wrapped
  }

  async newPage() {
    const page = this.track(await this.context.newPage())
    if (this.offline) await page.page.setOfflineMode(true)
    return page
  }

  /** Runs `action` and returns the window the page opened with `window.open`. */
  async waitForPopup(action) {
    const known = new Set(this.context.targets())
    const [target] = await Promise.all([
      this.context.waitForTarget((t) => t.type() === 'page' && !known.has(t), { timeout: 10_000 }),
      action(),
    ])
    const page = await target.page()
    await setViewport(page, VIEWPORT)
    return this.track(page)
  }

  /** BiDi's network emulation (emulation.setNetworkConditions): navigator.onLine and real failures. */
  async setOffline(offline) {
    this.offline = offline
    for (const page of this.pages) await page.page.setOfflineMode(offline)
  }

  close() {
    return this.context.close()
  }
}

export async function launch() {
  const firefox = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocol: 'webDriverBiDi',
    defaultViewport: VIEWPORT,
  })
  const version = (await firefox.version()).replace(/^firefox\//i, 'Firefox ')
  // emulation.setNetworkConditions came after Firefox ESR 140 (Debian bookworm's): ask once.
  const probe = await firefox.newPage()
  const offline = await probe.setOfflineMode(false).then(
    () => true,
    (error) => {
      if (/unknown command emulation\.setNetworkConditions/.test(String(error))) return false
      throw error
    },
  )
  await probe.close()
  const browser = {
    engine: 'firefox',
    version,
    can: {
      freeze: false,
      freezeReason: NO_FREEZE,
      offline,
      offlineReason: `${version} has no WebDriver BiDi command to go offline (emulation.setNetworkConditions)`,
      popups: true,
      closePopups: true,
      hide: true,
      screenshot: true,
    },
    async newContext() {
      return new FirefoxContext(browser, await firefox.createBrowserContext())
    },
    defaultContext() {
      this.default ??= new FirefoxContext(browser, firefox.defaultBrowserContext())
      return this.default
    },
    close: () => firefox.close(),
  }
  return browser
}
