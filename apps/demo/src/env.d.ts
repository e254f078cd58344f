declare global {
  interface Window {
    /** Set once the mock service worker has started and the app is rendered. */
    __demoReady?: boolean
  }
}

export {}
