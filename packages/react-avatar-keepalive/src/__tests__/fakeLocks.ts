// A Web Locks API (navigator.locks) for tests, shared by several "tabs" of one browser profile,
// written from the spec (https://w3c.github.io/web-locks/): exclusive and shared modes,
// ifAvailable, steal, signal, query() with each tab's clientId, and a tab closing releases its
// locks and drops its requests, as the browser does.

interface Request {
  name: string
  mode: LockMode
  clientId: string
  callback: LockGrantedCallback<unknown>
  resolve: (value: unknown) => void
  reject: (reason: unknown) => void
  /**
   * Rejects the released promise while the callback still runs (a steal, a closed tab); a steal
   * does not process the queue (the spec prepends the stealing request first).
   */
  held?: { release: (reason: unknown, processQueue?: boolean) => void }
}

export interface FakeLockManager {
  /** The `navigator.locks` of one tab. */
  tab: (clientId: string) => LockManager
  /** The tab went away: its locks are released and its pending requests dropped. */
  close: (clientId: string) => void
  /** Held and pending requests, for assertions. */
  state: () => { held: string[]; pending: string[] }
  /**
   * A frozen tab runs nothing: what the lock manager tells it (a lock granted, a lock stolen)
   * waits in its task queue until `thaw`, which delivers it.
   */
  freeze: (clientId: string) => void
  thaw: (clientId: string) => void
  /**
   * The tab goes into WebKit's back/forward cache: frozen, its locks freed and its place in line
   * dropped at once; it hears why (an AbortError for each request) when it comes back, at `thaw`.
   */
  cache: (clientId: string) => void
}

const notSupported = (message: string) => new DOMException(message, 'NotSupportedError')

export function createFakeLockManager(): FakeLockManager {
  const held: Request[] = []
  const queue: Request[] = []
  const closed = new Set<string>()
  const frozen = new Map<string, (() => void)[]>()
  // Runs `task` in the tab's own task queue: at once, or at thaw if the tab is frozen.
  const inTab = (clientId: string, task: () => void): void => {
    const waiting = frozen.get(clientId)
    if (waiting) waiting.push(task)
    else task()
  }

  const grantable = (request: Request): boolean => {
    const holders = held.filter((h) => h.name === request.name)
    const ahead = queue.slice(0, queue.indexOf(request)).filter((q) => q.name === request.name)
    if (request.mode === 'exclusive') return holders.length === 0 && ahead.length === 0
    return holders.every((h) => h.mode === 'shared') && ahead.every((q) => q.mode === 'shared')
  }

  const grant = (request: Request): void => {
    held.push(request)
    let settled = false
    const done = (processQueue = true): void => {
      const index = held.indexOf(request)
      if (index >= 0) held.splice(index, 1)
      if (processQueue) process()
    }
    request.held = {
      release: (reason, processQueue) => {
        if (settled) return
        settled = true
        done(processQueue)
        inTab(request.clientId, () => request.reject(reason))
      },
    }
    const lock = { name: request.name, mode: request.mode } as Lock
    void new Promise<void>((granted) => inTab(request.clientId, granted))
      .then(() => request.callback(lock))
      .then(
        (value) => {
          if (settled) return
          settled = true
          done()
          request.resolve(value)
        },
        (error: unknown) => {
          if (settled) return
          settled = true
          done()
          request.reject(error)
        },
      )
  }

  const process = (): void => {
    for (const request of [...queue]) {
      if (!grantable(request)) continue
      queue.splice(queue.indexOf(request), 1)
      grant(request)
    }
  }

  const tab = (clientId: string): LockManager => ({
    request: ((
      name: string,
      optionsOrCallback: LockOptions | LockGrantedCallback<unknown>,
      maybeCallback?: LockGrantedCallback<unknown>,
    ) => {
      const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback
      const callback = (
        typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback
      )!
      const { mode = 'exclusive', ifAvailable = false, steal = false, signal } = options
      if (closed.has(clientId)) return new Promise(() => {})
      if (name.startsWith('-')) return Promise.reject(notSupported('reserved name'))
      if (steal && ifAvailable) return Promise.reject(notSupported('steal and ifAvailable'))
      if (steal && mode !== 'exclusive')
        return Promise.reject(notSupported('steal needs exclusive'))
      if (signal && (steal || ifAvailable)) return Promise.reject(notSupported('signal with steal'))
      if (signal?.aborted) return Promise.reject(signal.reason)
      return new Promise<unknown>((resolve, reject) => {
        const request: Request = { name, mode, clientId, callback, resolve, reject }
        if (steal) {
          for (const holder of held.filter((h) => h.name === name)) {
            holder.held!.release(new DOMException('The lock was stolen', 'AbortError'), false)
          }
          queue.unshift(request)
          process()
          return
        }
        queue.push(request)
        if (ifAvailable && !grantable(request)) {
          queue.splice(queue.indexOf(request), 1)
          void Promise.resolve()
            .then(() => callback(null))
            .then(resolve, reject)
          return
        }
        signal?.addEventListener('abort', () => {
          const index = queue.indexOf(request)
          if (index < 0) return
          queue.splice(index, 1)
          reject(signal.reason)
          process()
        })
        process()
      })
    }) as LockManager['request'],
    query: async () => ({
      held: held.map(({ name, mode, clientId }) => ({ name, mode, clientId })),
      pending: queue.map(({ name, mode, clientId }) => ({ name, mode, clientId })),
    }),
  })

  return {
    tab,
    close: (clientId) => {
      closed.add(clientId)
      for (const request of queue.filter((q) => q.clientId === clientId)) {
        queue.splice(queue.indexOf(request), 1)
      }
      for (const holder of held.filter((h) => h.clientId === clientId)) {
        holder.held!.release(new DOMException('The tab closed', 'AbortError'))
      }
      process()
    },
    freeze: (clientId) => void frozen.set(clientId, frozen.get(clientId) ?? []),
    cache: (clientId) => {
      frozen.set(clientId, frozen.get(clientId) ?? [])
      const gone = () => new DOMException('The browsing context is going away', 'AbortError')
      for (const request of queue.filter((q) => q.clientId === clientId)) {
        queue.splice(queue.indexOf(request), 1)
        inTab(clientId, () => request.reject(gone()))
      }
      for (const holder of held.filter((h) => h.clientId === clientId)) holder.held!.release(gone())
      process()
    },
    thaw: (clientId) => {
      const waiting = frozen.get(clientId) ?? []
      frozen.delete(clientId)
      waiting.forEach((task) => task())
    },
    state: () => ({
      held: held.map((h) => `${h.clientId}:${h.name}`),
      pending: queue.map((q) => `${q.clientId}:${q.name}`),
    }),
  }
}
