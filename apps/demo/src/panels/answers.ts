import type { LoggedRequest } from '../mock/requestLog'

/** How an answer reads at a glance: the colour of its tick and row. */
export type AnswerTone = 'ok' | 'pending' | 'retry' | 'auth' | 'final'

export function answerTone(status: LoggedRequest['status']): AnswerTone {
  if (status === 'pending') return 'pending'
  if (typeof status !== 'number') return 'retry'
  if (status >= 200 && status < 300) return 'ok'
  if (status === 410 || status === 404) return 'final'
  if (status === 401 || status === 403 || status === 400) return 'auth'
  return 'retry'
}

export const TONE_LABELS: Record<AnswerTone, string> = {
  ok: '2xx alive',
  pending: 'in flight',
  retry: '5xx · 429 · network · timeout (retried)',
  auth: '401 · 403 · 400 (paused)',
  final: '410 · 404 (stopped)',
}
