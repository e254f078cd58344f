/** Where the keep-alive learns whether the browser is online; TanStack Query's `onlineManager` fits. */
export interface OnlineSource {
  isOnline: () => boolean
  subscribe: (listener: (online: boolean) => void) => () => void
}
