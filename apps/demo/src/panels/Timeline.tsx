import { useState } from 'react'
import { formatSeconds } from '../components/format'
import { TONE_LABELS, type AnswerTone } from './answers'
import type { RequestView } from './joinRequests'

const WINDOWS = [30_000, 60_000, 120_000] as const
const LANE_HEIGHT = 42
const AXIS_HEIGHT = 18

interface TimelineProps {
  requests: readonly RequestView[]
  now: number
}

/**
 * The last 30 s to 2 min of keep-alives on a time axis, one lane per session: a tick when a request
 * left, coloured by its answer, a bar for its latency, and the gap since the previous one.
 */
export function Timeline({ requests, now }: TimelineProps) {
  const [span, setSpan] = useState<number>(WINDOWS[0])
  const start = now - span
  const keepAlives = requests.filter((entry) => entry.endpoint === 'keep-alive')
  const lanes = [...new Set(keepAlives.map((entry) => entry.sessionId ?? '?'))].sort()
  const x = (at: number): number => ((at - start) / span) * 100
  const height = Math.max(1, lanes.length) * LANE_HEIGHT + AXIS_HEIGHT
  const step = span <= 30_000 ? 5_000 : span <= 60_000 ? 10_000 : 20_000
  // Fixed marks (−5 s, −10 s…) that the requests slide past.
  const marks: number[] = []
  for (let ago = step; ago < span; ago += step) marks.push(ago)

  return (
    <div className="timeline">
      <div className="timeline__head">
        <span className="timeline__title">Timeline</span>
        <ul className="legend">
          {(Object.keys(TONE_LABELS) as AnswerTone[]).map((tone) => (
            <li key={tone}>
              <span className="legend__swatch" data-tone={tone} />
              {TONE_LABELS[tone]}
            </li>
          ))}
        </ul>
        <label className="timeline__span">
          window
          <select value={span} onChange={(event) => setSpan(Number(event.target.value))}>
            {WINDOWS.map((value) => (
              <option key={value} value={value}>
                {value / 1000} s
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="timeline__body">
        <div className="timeline__lanes" style={{ height: height - AXIS_HEIGHT }}>
          {lanes.map((lane) => (
            <span key={lane} style={{ height: LANE_HEIGHT }}>
              {lane}
            </span>
          ))}
        </div>
        <svg
          className="timeline__plot"
          data-testid="timeline"
          data-window={span}
          width="100%"
          height={height}
          role="img"
          aria-label={`Keep-alive requests in the last ${span / 1000} seconds`}
        >
          {marks.map((ago) => (
            <g key={ago}>
              <line
                className="timeline__grid"
                x1={`${x(now - ago)}%`}
                x2={`${x(now - ago)}%`}
                y1={0}
                y2={height - AXIS_HEIGHT}
              />
              <text
                className="timeline__axis"
                x={`${x(now - ago)}%`}
                y={height - 5}
                textAnchor="middle"
              >
                −{ago / 1000} s
              </text>
            </g>
          ))}
          <text className="timeline__axis" x="100%" y={height - 5} textAnchor="end">
            now
          </text>
          {lanes.length === 0 && (
            <text className="timeline__empty" x="50%" y={LANE_HEIGHT / 2 + 4} textAnchor="middle">
              No keep-alive yet
            </text>
          )}
          {lanes.map((lane, index) => (
            <Lane
              key={lane}
              y={index * LANE_HEIGHT}
              requests={keepAlives.filter((entry) => (entry.sessionId ?? '?') === lane)}
              start={start}
              now={now}
              x={x}
            />
          ))}
        </svg>
      </div>
    </div>
  )
}

interface LaneProps {
  y: number
  requests: readonly RequestView[]
  start: number
  now: number
  x: (at: number) => number
}

const STOP_LABELS: Partial<Record<AnswerTone, (status: string) => string>> = {
  final: (status) => `${status}: stopped for good`,
  auth: (status) => `${status}: paused until a new token`,
}

function Lane({ y, requests, start, now, x }: LaneProps) {
  const mid = y + 20
  const visible = requests.filter((entry) => (entry.endedAt ?? now) >= start)
  const last = requests.at(-1)
  const stopLabel = last && last.endedAt !== null ? STOP_LABELS[last.tone] : undefined
  return (
    <g>
      <line className="timeline__lane" x1="0" x2="100%" y1={mid} y2={mid} />
      {visible.map((entry, index) => {
        const previous = index > 0 ? visible[index - 1] : undefined
        const gapWidth = previous ? x(entry.at) - x(previous.at) : 0
        const end = entry.endedAt ?? now
        return (
          <g
            key={entry.id}
            data-tone={entry.tone}
            data-status={String(entry.status)}
            className="timeline__request"
          >
            <title>{`#${entry.id} ${entry.status}, ${end - entry.at} ms${entry.clientAbortedAt ? ' (client gave up)' : ''}`}</title>
            {previous && gapWidth > 3.5 && (
              <text
                className="timeline__gap"
                x={`${x(entry.at) - gapWidth / 2}%`}
                y={y + 9}
                textAnchor="middle"
              >
                {formatSeconds(entry.at - previous.at)}
              </text>
            )}
            <rect
              className="timeline__latency"
              x={`${Math.max(0, x(entry.at))}%`}
              y={mid - 3}
              width={`${Math.max(0.25, x(end) - Math.max(0, x(entry.at)))}%`}
              height={6}
              rx={2}
            />
            <line
              className="timeline__tick"
              x1={`${x(entry.at)}%`}
              x2={`${x(entry.at)}%`}
              y1={mid - 8}
              y2={mid + 8}
            />
          </g>
        )
      })}
      {last && stopLabel && last.endedAt !== null && (
        <g className="timeline__stop" data-tone={last.tone} data-testid="timeline-stop">
          <line x1={`${Math.max(0, x(last.endedAt))}%`} x2="100%" y1={mid} y2={mid} />
          <text x="100%" dx={-4} y={y + 38} textAnchor="end">
            {stopLabel(String(last.status))}
          </text>
        </g>
      )}
    </g>
  )
}
