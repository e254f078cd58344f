import { Blob as NodeBlob } from 'node:buffer'

// jsdom's Blob is slow to build (WebIDL conversions), and msw builds one per response only to read
// its size: Node's makes the mock API about a third cheaper for every implementation alike.
globalThis.Blob = NodeBlob as unknown as typeof Blob

// React's act() warns unless it is told it runs in a test environment.
;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
