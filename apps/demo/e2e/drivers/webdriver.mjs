// A minimal W3C WebDriver client over HTTP (Node's fetch): what the WebKit driver needs, nothing
// more. https://www.w3.org/TR/webdriver2/ — every command is `METHOD /session/:id/...` with a JSON
// body, and the answer is `{ value }`, or `{ value: { error, message } }` with a 4xx/5xx status.

/** The key W3C uses for an element reference in JSON. */
export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'

export class WebDriverError extends Error {
  constructor(command, status, value) {
    super(`${command}: ${value?.error ?? status}: ${value?.message ?? JSON.stringify(value)}`)
    this.name = 'WebDriverError'
    this.error = value?.error
  }
}

/** A command that has not answered in this long has hung (WebKitWebDriver can stall ~60 s). */
const COMMAND_TIMEOUT = 120_000
const DEBUG = process.env.WEBDRIVER_DEBUG === '1'

/** Sends one command to a WebDriver server at `base` (e.g. `http://127.0.0.1:4444`). */
export async function command(base, method, path, body) {
  const started = Date.now()
  if (DEBUG)
    console.error(`webdriver → ${method} ${path} ${body ? JSON.stringify(body).slice(0, 120) : ''}`)
  const response = await fetch(`${base}${path}`, {
    signal: AbortSignal.timeout(COMMAND_TIMEOUT),
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    // POST commands need a body, even an empty one.
    body: body === undefined ? (method === 'POST' ? '{}' : undefined) : JSON.stringify(body),
  })
  const text = await response.text()
  let value
  try {
    value = JSON.parse(text).value
  } catch {
    value = { error: 'unreadable answer', message: text.slice(0, 200) }
  }
  if (DEBUG)
    console.error(`webdriver ← ${method} ${path} ${response.status} in ${Date.now() - started} ms`)
  if (!response.ok) throw new WebDriverError(`${method} ${path}`, response.status, value)
  return value
}

/** A session: its commands act on its current window, and run one at a time (a queue). */
export class WebDriverSession {
  static async create(base, capabilities) {
    const value = await command(base, 'POST', '/session', { capabilities })
    return new WebDriverSession(base, value.sessionId, value.capabilities)
  }

  constructor(base, id, capabilities) {
    this.base = base
    this.id = id
    this.capabilities = capabilities
    this.tail = Promise.resolve()
  }

  /** Runs `work` after every command queued before it (so that a window switch is not undone). */
  exclusive(work) {
    const run = this.tail.then(work, work)
    this.tail = run.catch(() => {})
    return run
  }

  /** A raw command on this session; callers inside `exclusive` use it directly. */
  async send(method, path = '', body) {
    try {
      return await command(this.base, method, `/session/${this.id}${path}`, body)
    } catch (error) {
      // A command in flight as the page's process crashes answers 'unknown error' (WebKitWebDriver,
      // with no message), the commands after it 'invalid session id': one more command tells which,
      // so that a session lost reads as one (harness.mjs retries such a test).
      if (error.error !== 'unknown error') throw error
      const lost = await command(this.base, 'GET', `/session/${this.id}/window`).then(
        () => null,
        (answer) => (answer.error === 'invalid session id' ? answer : null),
      )
      throw lost ?? error
    }
  }

  delete() {
    return this.exclusive(() => this.send('DELETE'))
  }
}
