import type { ArgType } from '../story/csf'

/** The keep-alive interval as a select: the vendor's 10 s, and faster ones for the demo. */
export const intervalArg: ArgType = {
  description: '`interval` between keep-alives, in ms',
  control: {
    type: 'select',
    labels: { 2000: '2 s (demo)', 3000: '3 s', 5000: '5 s', 10000: '10 s (vendor default)' },
  },
  options: [2000, 3000, 5000, 10000],
}

export const retryArg: ArgType = {
  description: '`retry`: retry a retryable failure with backoff (else wait for the next interval)',
}
