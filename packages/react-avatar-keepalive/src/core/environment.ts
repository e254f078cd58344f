/** Where the keep-alive learns whether the device is online; TanStack Query's `onlineManager` fits. */
export interface OnlineSource {
  isOnline: () => boolean
  subscribe: (listener: (online: boolean) => void) => () => void
}

/** Where it learns whether the page is seen; TanStack Query's `focusManager` fits. */
export interface FocusSource {
  isFocused: () => boolean
  subscribe: (listener: (focused: boolean) => void) => () => void
}

/**
 * Milliseconds on a clock that only moves forward: every interval, ceiling and timeout of the
 * keep-alive is measured on it, so setting the system clock cannot bunch keep-alives up or hold
 * them back. (Timestamps shown to users stay `Date.now()`.)
 */
export const now = (): number =>
  typeof performance === 'object' && performance.now ? performance.now() : Date.now()

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

function source(
  target: EventTarget | undefined,
  types: string[],
  read: () => boolean,
): { read: () => boolean; subscribe: (listener: (value: boolean) => void) => () => void } {
  return {
    read,
    subscribe: (listener) => {
      const offs = types.map((type) => listen(target, type, () => listener(read())))
      return () => offs.forEach((off) => off())
    },
  }
}

const online = /* @__PURE__ */ source(
  globalWindow,
  ['online', 'offline'],
  () => typeof navigator !== 'object' || navigator.onLine !== false,
)
const visible = /* @__PURE__ */ source(
  globalDocument,
  ['visibilitychange'],
  () => globalDocument?.visibilityState !== 'hidden',
)

/** `navigator.onLine` and its events; always online where there is no `navigator`. */
export const browserOnline: OnlineSource = { isOnline: online.read, subscribe: online.subscribe }

/** `document.visibilityState` and its event; always seen where there is no `document`. */
export const browserFocus: FocusSource = { isFocused: visible.read, subscribe: visible.subscribe }
