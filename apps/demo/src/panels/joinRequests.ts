import { requestTag, type LoggedRequest } from '../mock/requestLog'
import { answerTone, type AnswerTone } from './answers'

export interface RequestView extends LoggedRequest {
  /** Set when the client gave up (timeout, unmount) before the server's answer. */
  clientAbortedAt: number | null
  /** The answer's colour: a request the client gave up on counts as failed, whatever came later. */
  tone: AnswerTone
  /** When the client stopped waiting, or `null` while it still waits. */
  endedAt: number | null
}

/**
 * The server's log (the mock's, or the client's own for a real endpoint), each entry joined to
 * the client's record of the same request when there is one.
 */
export function joinRequests(
  server: readonly LoggedRequest[],
  client: readonly LoggedRequest[] | null,
): RequestView[] {
  const byId = new Map(client?.map((entry) => [entry.id, entry]))
  return server.map((entry) => {
    const tag = client ? requestTag(entry.url) : null
    const seen = tag === null ? undefined : byId.get(tag)
    const aborted = seen?.status === 'aborted' && entry.status !== 'aborted' ? seen.settledAt : null
    return {
      ...entry,
      clientAbortedAt: aborted,
      tone: aborted === null ? answerTone(entry.status) : 'retry',
      endedAt: aborted ?? entry.settledAt,
    }
  })
}
