import { join } from 'node:path'

/** Where the measurements drop their rows for bench/run.mjs: ignored by git (node_modules). */
export const RESULTS_DIR = join(
  import.meta.dirname,
  '../node_modules/.cache/avatar-keepalive-bench',
)

/** The implementations compared, in table order. */
export const COLUMNS = ['ours', 'vendor-interval', 'naive-hook']

/**
 * @typedef {object} BenchResult One line of the table.
 * @property {string} id Row number and letter (`1a`); the table is sorted by it.
 * @property {string} measure
 * @property {Partial<Record<'ours' | 'vendor-interval' | 'naive-hook', string>>} values
 * @property {string} goal
 * @property {'yes' | 'no' | '—'} met Whether ours meets the goal.
 * @property {string} [note] Why a goal is not met, or how the row was measured.
 */

/**
 * One Markdown table of all rows.
 * @param {BenchResult[]} rows
 */
export function formatTable(rows) {
  const sorted = [...rows].sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }))
  const escape = (text) => String(text).replaceAll('|', '\\|')
  const lines = [
    `| # | Measure | ${COLUMNS.join(' | ')} | Goal | Met |`,
    `| --- | --- | ${COLUMNS.map(() => '---:').join(' | ')} | --- | --- |`,
    ...sorted.map((row) =>
      [
        row.id,
        row.measure,
        ...COLUMNS.map((column) => row.values[column] ?? '—'),
        row.goal,
        row.met,
      ]
        .map(escape)
        .join(' | ')
        .replace(/^/, '| ')
        .replace(/$/, ' |'),
    ),
  ]
  return lines.join('\n')
}
