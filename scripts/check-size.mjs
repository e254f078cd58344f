// `npm run size`: the min+gzip size of each entry of size-budget.json (three ways an app imports
// the package, bench/bundleSize.mjs SIZE_ENTRIES), bundled from the package's BUILT main entry as an
// app's production build would (row 7 of `pnpm bench` measures the same), against its limit; then
// where the hook's bytes come from, per source module. Exits 1 when an entry is over its limit, or
// when a limit went up without a new `note` saying why.
//   --build         builds the package first (it is built anyway when dist/ is missing).
//   --update-limit  lowers each limit to today's size (never below the goal) and writes the budget;
//                   it never raises one: raise a limit by hand, with a `note`.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import {
  buildPackage,
  entrySizes,
  moduleBreakdown,
  PACKAGE_DIST,
  SIZE_ENTRIES,
} from '../bench/bundleSize.mjs'

const ROOT = join(import.meta.dirname, '..')
const BUDGET_FILE = join(ROOT, 'size-budget.json')
const BUDGET_NAME = relative(ROOT, BUDGET_FILE)
const problems = []

function fail(message) {
  console.error(`size: ${message}`)
  process.exit(1)
}

const number = (value) => value.toLocaleString('en-US')

/**
 * The budget as last committed, to tell whether a limit went up: HEAD's when the file has changes
 * not committed yet, else the parent commit's (the commit under test may be the one that raised
 * it). The old single-entry format (`{ goal, limit }` for the hook and the badge) reads as
 * `hook+badge`. Null without git history (a shallow clone, an export).
 */
function committedBudget() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' })
  const changed = git('diff', '--quiet', 'HEAD', '--', BUDGET_NAME).status === 1
  const shown = git('show', `${changed ? 'HEAD' : 'HEAD~1'}:${BUDGET_NAME}`)
  if (shown.status !== 0) return null
  try {
    const budget = JSON.parse(shown.stdout)
    return budget.entries ?? { 'hook+badge': { limit: budget.limit } }
  } catch {
    return null
  }
}

function readBudget() {
  const budget = JSON.parse(readFileSync(BUDGET_FILE, 'utf8'))
  const entries = budget.entries ?? {}
  for (const name of Object.keys(SIZE_ENTRIES)) {
    const entry = entries[name]
    if (!entry) fail(`${BUDGET_NAME}: entry "${name}" is missing`)
    for (const key of ['goal', 'limit']) {
      if (!Number.isInteger(entry[key]) || entry[key] <= 0) {
        fail(`${BUDGET_NAME}: "${name}".${key} must be a positive whole number of bytes`)
      }
    }
  }
  for (const name of Object.keys(entries)) {
    if (!(name in SIZE_ENTRIES)) fail(`${BUDGET_NAME}: unknown entry "${name}"`)
  }
  return budget
}

/** Plain-text columns: the first `left` left-aligned, the others (numbers) right-aligned. */
function table(rows, left) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)))
  return rows
    .map((row) =>
      row
        .map((cell, i) =>
          i < left ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

const budget = readBudget()
if (process.argv.includes('--build') || !existsSync(PACKAGE_DIST)) {
  const status = buildPackage()
  if (status !== 0) fail(`the package build exited ${status}`)
}
const sizes = await entrySizes()
const committed = committedBudget()

if (process.argv.includes('--update-limit')) {
  for (const [name, entry] of Object.entries(budget.entries)) {
    const today = Math.max(entry.goal, sizes[name].gzipped)
    if (today < entry.limit) entry.limit = today
  }
  writeFileSync(BUDGET_FILE, `${JSON.stringify(budget, null, 2)}\n`)
}

const rows = [['entry', 'imports', 'min B', 'min+gzip B', 'limit B', 'goal B', '']]
for (const [name, entry] of Object.entries(budget.entries)) {
  const { exports, minified, gzipped } = sizes[name]
  let verdict = gzipped <= entry.goal ? 'goal met' : `${number(gzipped - entry.goal)} B over goal`
  if (gzipped > entry.limit) {
    verdict = `OVER LIMIT by ${number(gzipped - entry.limit)} B`
    problems.push(
      `${name}: ${number(gzipped)} B is ${number(gzipped - entry.limit)} B over its limit; make it smaller, or raise "limit" in ${BUDGET_NAME} with a "note" saying why`,
    )
  }
  const before = committed?.[name]
  if (before?.limit !== undefined && entry.limit > before.limit) {
    if (!entry.note || entry.note === before.note) {
      problems.push(
        `${name}: "limit" went up from ${number(before.limit)} B to ${number(entry.limit)} B without a new "note" saying why`,
      )
    } else {
      console.log(`size: ${name}: limit raised from ${number(before.limit)} B: ${entry.note}`)
    }
  }
  rows.push([
    name,
    `{ ${exports.join(', ')} }`,
    number(minified),
    number(gzipped),
    number(entry.limit),
    number(entry.goal),
    verdict,
  ])
}
console.log(
  `size: from ${relative(ROOT, PACKAGE_DIST)}; esbuild, minified, NODE_ENV=production, peers external, gzip -9\n`,
)
console.log(table(rows, 2))
if (!committed) console.log('\nsize: no committed budget to compare with (no git history)')

const hook = await moduleBreakdown(SIZE_ENTRIES.hook)
console.log(
  `\nsize: where the bytes of "hook" come from (minified bytes by source module, through the source maps; ${number(hook.minified)} B minified, ${number(hook.gzipped)} B min+gzip):\n`,
)
console.log(
  table(
    [
      ['module', 'min B', 'share'],
      ...hook.modules.map(({ path, bytes }) => [
        path,
        number(bytes),
        `${((100 * bytes) / hook.minified).toFixed(1)} %`,
      ]),
    ],
    1,
  ),
)
if (problems.length) fail(`over budget:\n- ${problems.join('\n- ')}`)
