// WebKitGTK (Debian's webkit2gtk-driver): MiniBrowser has no headless mode, so it runs on its own
// Xvfb display, driven by WebKitWebDriver over plain W3C WebDriver (./webdriver.mjs).
//
// What this driver cannot do, and what it does instead:
// - One session per WebKitWebDriver process, and a session is one MiniBrowser (one profile): each
//   context gets its own driver process; the pages of a context are its windows. Closing a
//   session's last window ends the session, so its first window stays open, blank, as the
//   context's home, and every page is a window of its own.
// - Commands act on the session's current window: every page command switches to its window
//   first, in the session's queue.
// - A new window opens behind the current one and stays visible; nothing brings a window to the
//   front. A page is hidden by minimizing its window, and shown by giving it its size back.
// - Closing a window that the page itself opened (`window.open`) stalls the driver for about 60 s:
//   such windows are only closed with their whole context (`can.closePopups` is false).
// - No network emulation (offline) and no page lifecycle (freeze).
import { once } from 'node:events'
import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { ELEMENT, WebDriverError, WebDriverSession } from './webdriver.mjs'
import { BasePage, Unsupported } from './page.mjs'
import { spawnGroup } from './processes.mjs'

const MINIBROWSER =
  process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver'
const VIEWPORT = { width: 1280, height: 800 }

const NO_FREEZE = 'W3C WebDriver has no command that freezes a page (Chromium does it over CDP)'
const NO_OFFLINE =
  'W3C WebDriver has no network emulation and WebKitGTK adds none, so navigator.onLine cannot be ' +
  'turned off honestly'
const NO_POPUP_CLOSE =
  'WebKitWebDriver stalls about 60 s after a window the page opened is closed; it is closed with its context'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

/** Starts a process in its own group; `stop()` ends the group and waits for the process. */
function startProcess(file, args, options) {
  const child = spawnGroup(file, args, options)
  return {
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        return
      }
      const killed = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }, 5_000)
      await exited
      clearTimeout(killed)
    },
  }
}

/** Xvfb on a free display: it writes the display number to fd 3 once it accepts clients. */
async function startXvfb() {
  const xvfb = startProcess(
    'Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  )
  let stderr = ''
  xvfb.child.stderr.on('data', (chunk) => (stderr += chunk))
  const display = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start:\n${stderr}`)), 15_000)
    let out = ''
    xvfb.child.stdio[3].on('data', (chunk) => {
      out += chunk
      if (out.includes('\n')) {
        clearTimeout(timer)
        resolve(`:${out.trim()}`)
      }
    })
    xvfb.child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`Xvfb exited with ${code}:\n${stderr}`))
    })
  })
  return { display, stop: xvfb.stop }
}

/** A WebKitWebDriver on a free port of 127.0.0.1, and a session on it (one MiniBrowser). */
async function startSession(display) {
  const port = await freePort()
  const driver = startProcess(WEBKIT_DRIVER, [`--port=${port}`, '--host=local'], {
    env: { ...process.env, DISPLAY: display },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  driver.child.stderr.on('data', (chunk) => (stderr += chunk))
  const base = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      const status = await fetch(`${base}/status`).then((response) => response.json())
      if (status.value?.ready !== false) break
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline || driver.child.exitCode !== null) {
      await driver.stop()
      throw new Error(`WebKitWebDriver did not start:\n${stderr}`)
    }
    await sleep(50)
  }
  try {
    const session = await WebDriverSession.create(base, {
      alwaysMatch: {
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      },
    })
    return { session, stop: driver.stop, group: driver.child.pid }
  } catch (error) {
    await driver.stop()
    throw error
  }
}

class WebKitPage extends BasePage {
  constructor(context, handle, { openedByPage = false } = {}) {
    super('webkit')
    this.context = context
    this.handle = handle
    this.openedByPage = openedByPage
  }

  /** Runs `work(send)` with this page's window current, in the session's queue. */
  run(work) {
    if (this.closed) return Promise.reject(new Error('webkit: the page is closed'))
    return this.context.onWindow(this.handle, work)
  }

  async goto(url) {
    await this.run((send) => send('POST', '/url', { url }))
    // No driver event tells of page errors: the page collects them from here on.
    await this.evaluate(() => {
      window.__e2eErrors ??= []
      window.addEventListener('error', (event) => window.__e2eErrors.push(String(event.message)))
      window.addEventListener('unhandledrejection', (event) =>
        window.__e2eErrors.push(String(event.reason)),
      )
    })
  }

  // The driver's own Back: after a `history.back()` from script, WebKitWebDriver sometimes never
  // answers the next command (it waits out 120 s) when the page comes back from the cache.
  back() {
    return this.run((send) => send('POST', '/back'))
  }

  async evaluateSource(source, args) {
    return this.run((send) =>
      send('POST', '/execute/sync', { script: `return (${source}).apply(null, arguments)`, args }),
    )
  }

  /** Finds `selector` (retrying until `timeout`) and hands its reference to `act`. */
  async withElement(selector, act, { timeout = 10_000 } = {}) {
    const deadline = Date.now() + timeout
    for (;;) {
      try {
        return await this.run(async (send) => {
          const element = await send('POST', '/element', { using: 'css selector', value: selector })
          return act(send, `/element/${element[ELEMENT]}`)
        })
      } catch (error) {
        const retry =
          error instanceof WebDriverError &&
          ['no such element', 'element not interactable', 'stale element reference'].includes(
            error.error,
          )
        if (!retry || Date.now() > deadline) throw error
        await sleep(50)
      }
    }
  }

  click(selector) {
    return this.withElement(selector, (send, element) => send('POST', `${element}/click`))
  }

  fill(selector, value) {
    return this.withElement(selector, async (send, element) => {
      await send('POST', `${element}/clear`)
      await send('POST', `${element}/value`, { text: value })
    })
  }

  /** W3C selects an option by clicking it. */
  select(selector, value) {
    return this.click(`${selector} option[value="${value}"]`)
  }

  hide() {
    return this.run((send) => send('POST', '/window/minimize'))
  }

  show() {
    return this.run((send) => send('POST', '/window/rect', { x: 0, y: 0, ...this.context.size }))
  }

  async close() {
    if (this.openedByPage)
      throw new Unsupported('webkit', 'close a window the page opened', NO_POPUP_CLOSE)
    await this.run((send) => send('DELETE', '/window'))
    this.closed = true
    this.context.forget(this.handle)
  }

  async closeByScript(options) {
    if (this.openedByPage)
      throw new Unsupported('webkit', 'close a window the page opened', NO_POPUP_CLOSE)
    return super.closeByScript(options)
  }

  async isGone() {
    const handles = await this.context.handles()
    return !handles.includes(this.handle)
  }

  freeze() {
    throw new Unsupported('webkit', 'freeze a page', NO_FREEZE)
  }

  resume() {
    throw new Unsupported('webkit', 'resume a page', NO_FREEZE)
  }

  async screenshot(path) {
    const png = await this.run((send) => send('GET', '/screenshot'))
    writeFileSync(path, Buffer.from(png, 'base64'))
  }

  async setViewport(width, height) {
    // The window's size: MiniBrowser's toolbar takes some of it.
    this.context.size = { width, height }
    await this.run((send) => send('POST', '/window/rect', { width, height }))
  }

  async errors() {
    return this.evaluate(() => window.__e2eErrors ?? [])
  }
}

class WebKitContext {
  constructor(browser, display) {
    this.browser = browser
    this.display = display
    this.size = { ...VIEWPORT }
    this.current = null
  }

  async start() {
    const { session, stop, group } = await startSession(this.display)
    this.session = session
    this.stopDriver = stop
    this.group = group
    // The session's first window stays open and blank (closing the last window ends a session).
    this.home = await session.send('GET', '/window')
    this.current = this.home
    return this
  }

  /** Runs `work(send)` with window `handle` current, after every command queued before it. */
  onWindow(handle, work) {
    const send = (method, path, body) => this.session.send(method, path, body)
    return this.session.exclusive(async () => {
      if (this.current !== handle) {
        await send('POST', '/window', { handle })
        this.current = handle
      }
      return work(send)
    })
  }

  forget(handle) {
    if (this.current === handle) this.current = null
  }

  handles() {
    return this.session.exclusive(() => this.session.send('GET', '/window/handles'))
  }

  async newPage() {
    // From the home window: a command needs a current window that is still open.
    const { handle } = await this.onWindow(this.home, (send) =>
      send('POST', '/window/new', { type: 'window' }),
    )
    const page = new WebKitPage(this, handle)
    await page.setViewport(this.size.width, this.size.height)
    return page
  }

  /** Runs `action` and returns the window the page opened with `window.open`. */
  async waitForPopup(action) {
    const known = new Set(await this.handles())
    await action()
    const deadline = Date.now() + 10_000
    for (;;) {
      const handle = (await this.handles()).find((h) => !known.has(h))
      if (handle) return new WebKitPage(this, handle, { openedByPage: true })
      if (Date.now() > deadline) throw new Error('webkit: the page opened no window')
      await sleep(50)
    }
  }

  setOffline() {
    throw new Unsupported('webkit', 'go offline', NO_OFFLINE)
  }

  /**
   * Kills this context's web processes, as a page crash does (for the harness's own test of a lost
   * browser): WebKitWebDriver then deletes the session. They are in the driver's process group.
   */
  crashPages() {
    const pids = readdirSync('/proc').filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
        // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
        const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
        return (
          group === this.group &&
          readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('WebKitWebProcess')
        )
      } catch {
        return false
      }
    })
    if (pids.length === 0) throw new Error('webkit: no web process to crash')
    for (const pid of pids) process.kill(Number(pid), 'SIGKILL')
  }

  async close() {
    await this.session.delete().catch(() => {})
    await this.stopDriver()
  }
}

export async function launch() {
  const xvfb = await startXvfb()
  const contexts = new Set()
  const browser = {
    engine: 'webkit',
    version: 'WebKitGTK',
    can: {
      freeze: false,
      freezeReason: NO_FREEZE,
      offline: false,
      offlineReason: NO_OFFLINE,
      popups: true,
      closePopups: false,
      closePopupsReason: NO_POPUP_CLOSE,
      hide: true,
      screenshot: true,
    },
    async newContext() {
      const context = await new WebKitContext(browser, xvfb.display).start()
      contexts.add(context)
      const close = context.close.bind(context)
      context.close = () => (contexts.delete(context), close())
      return context
    },
    async defaultContext() {
      this.default ??= await this.newContext()
      return this.default
    },
    async close() {
      for (const context of [...contexts]) await context.close()
      await xvfb.stop()
    },
  }
  try {
    const context = await browser.defaultContext()
    const { browserName, browserVersion } = context.session.capabilities
    browser.version = `WebKitGTK ${browserVersion} (${browserName})`
  } catch (error) {
    await browser.close()
    throw error
  }
  return browser
}
