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
 * at the keep-alive, it would stop it. As an uncaught error where the host has `reportError`
 * (browsers, Deno, workers); logged where it has none (Node, React Native), whose uncaught error
 * ends the process or the app, and every session in it.
 */
export const reportLater = (error: unknown): void =>
  void setTimeout(globalThis.reportError ?? console.error, 0, error)

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
