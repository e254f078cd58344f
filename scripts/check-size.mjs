// `npm run size`: min+gzip size of `{ useAvatarKeepAlive, SessionStatusBadge }` from the package's
// built main entry, measured as row 7 of `pnpm bench` does, against size-budget.json. Builds
// nothing: run it after the package build. Exits 1 when the size is over the limit.
//   --update-limit  sets the limit to today's size (never below the goal) and writes the budget.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { PACKAGE_DIST, packageSize } from '../bench/bundleSize.mjs'

const ROOT = join(import.meta.dirname, '..')
const BUDGET_FILE = join(ROOT, 'size-budget.json')

function fail(message) {
  console.error(`size: ${message}`)
  process.exit(1)
}

if (!existsSync(PACKAGE_DIST)) {
  fail(`${relative(ROOT, PACKAGE_DIST)} is missing: build the package first (npm run build)`)
}
const budget = JSON.parse(readFileSync(BUDGET_FILE, 'utf8'))
for (const key of ['goal', 'limit']) {
  if (!Number.isInteger(budget[key]) || budget[key] <= 0) {
    fail(`${relative(ROOT, BUDGET_FILE)}: "${key}" must be a positive whole number of bytes`)
  }
}

const { gzipped } = await packageSize()
if (process.argv.includes('--update-limit')) {
  budget.limit = Math.max(budget.goal, gzipped)
  writeFileSync(BUDGET_FILE, `${JSON.stringify(budget, null, 2)}\n`)
}

console.log(`size: ${gzipped} B (limit ${budget.limit} B, goal ${budget.goal} B)`)
if (gzipped > budget.limit) {
  fail(
    `${gzipped - budget.limit} B over the limit; make it smaller, or raise "limit" in ${relative(ROOT, BUDGET_FILE)} on purpose`,
  )
}
if (gzipped > budget.goal) console.log(`size: ${gzipped - budget.goal} B over the goal`)
