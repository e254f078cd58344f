/** Where the keep-alive learns whether the device is online; TanStack Query's `onlineManager` fits. */
export interface OnlineSource {
  isOnline: () => boolean
  subscribe: (listener: (online: boolean) => void) => () => void
}

/**
 * Where it learns whether the page is seen; TanStack Query's `focusManager` fits. A listener called
 * with no value (as that `focusManager` does before 5.26) reads `isFocused()`.
 */
export interface FocusSource {
  isFocused: () => boolean
  subscribe: (listener: (focused?: boolean) => void) => () => void
}

export const noop = (): void => {}

/**
 * An error of the app's (a callback or a store listener that threw), reported on its own: thrown
 * at the keep-alive, it would stop it. In a page as an uncaught error (window.onerror, error
 * monitoring); elsewhere (Node, Deno, React Native, workers) logged with `console.error`, as an
 * uncaught error there ends the process or the app, and every session in it.
 */
const reportLater = (error: unknown): void =>
  void setTimeout(
    typeof document == 'object'
      ? () => {
          throw error
        }
      : console.error,
    0,
    error,
  )

/**
 * Calls a function of the app's (a callback, a store listener): what it throws, or its promise
 * rejects with (an async callback), goes to `reportLater`, never to the caller.
 */
export function callApp<A extends unknown[]>(
  fn: ((...args: A) => unknown) | undefined,
  ...args: A
): void {
  try {
    ;(fn?.(...args) as PromiseLike<unknown> | undefined)?.then?.(undefined, reportLater)
  } catch (error) {
    reportLater(error)
  }
}

/** `addEventListener` where the host has it (no `window` or `document` in React Native or Node). */
export function listen(
  target: EventTarget | undefined,
  type: string,
  listener: () => void,
): () => void {
  target?.addEventListener?.(type, listener, { passive: true })
  return () => target?.removeEventListener?.(type, listener)
}

export const globalWindow: Window | undefined = typeof window === 'object' ? window : undefined
export const globalDocument: Document | undefined =
  typeof document === 'object' ? document : undefined

/** Whether the page is prerendered (Speculation Rules), not yet shown: `prerenderingchange` ends it. */
export const prerendering = (): boolean =>
  (globalDocument as { prerendering?: boolean } | undefined)?.prerendering === true

/** `document.visibilityState` and its event; always seen where there is no `document`. */
export const browserFocus: FocusSource = {
  isFocused: () => globalDocument?.visibilityState !== 'hidden',
  subscribe: (listener) =>
    listen(globalDocument, 'visibilitychange', () => listener(browserFocus.isFocused())),
}
