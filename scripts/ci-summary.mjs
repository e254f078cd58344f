#!/usr/bin/env node
// Sums test reports into the one line CI ends with: `N passed, N failed`.
//
//   node scripts/ci-summary.mjs [label=]report-file...
//
// Each file is recognised by its content, so a new suite only adds its report file to the list in
// .ci/run. Understood formats:
//   - vitest / jest JSON (`--reporter=json`): numPassedTests, numFailedTests, testResults[];
//   - Playwright JSON (`--reporter=json`): stats.expected / unexpected / flaky / skipped;
//   - TAP, e.g. node:test `--test-reporter=tap --test-reporter-destination=<file>`: `# pass N`, `# fail N`;
//   - a plain summary JSON any script can write: { "passed": N, "failed": N, "skipped"?: N }.
// An expected report that is missing or unreadable means its suite crashed before reporting: it
// counts as one failure, so a crash can never turn into a green line. Exit status: 1 if anything failed.
import { readFileSync } from 'node:fs'

/** @typedef {{ format: string, passed: number, failed: number, skipped: number, retried?: number }} Counts */

/** @param {unknown} value */
const count = (value) => (Number.isInteger(value) && /** @type {number} */ (value) >= 0 ? value : 0)

/**
 * @param {string} text
 * @returns {Counts}
 */
function parseReport(text) {
  const trimmed = text.trimStart()
  if (!trimmed.startsWith('{')) return parseTap(text)
  const report = JSON.parse(trimmed)

  if (typeof report.numPassedTests === 'number' && typeof report.numFailedTests === 'number') {
    // A test file that fails to load (syntax error, failing import, error outside a test) has no
    // failed test in it: count it as one failure.
    const brokenFiles = (report.testResults ?? []).filter(
      (/** @type {any} */ file) =>
        file.status === 'failed' &&
        !(file.assertionResults ?? []).some((/** @type {any} */ t) => t.status === 'failed'),
    ).length
    return {
      format: 'vitest',
      passed: count(report.numPassedTests),
      failed: count(report.numFailedTests) + brokenFiles,
      skipped: count(report.numPendingTests) + count(report.numTodoTests),
    }
  }
  if (report.stats && typeof report.stats.expected === 'number') {
    const errors = Array.isArray(report.errors) ? report.errors.length : 0
    return {
      format: 'playwright',
      passed: count(report.stats.expected) + count(report.stats.flaky),
      failed: count(report.stats.unexpected) + errors,
      skipped: count(report.stats.skipped),
    }
  }
  if (typeof report.passed === 'number' && typeof report.failed === 'number') {
    return {
      format: 'summary',
      passed: count(report.passed),
      failed: count(report.failed),
      skipped: count(report.skipped),
    }
  }
  throw new Error('unknown JSON report format')
}

/**
 * @param {string} text
 * @returns {Counts}
 */
function parseTap(text) {
  /** @param {string} key */
  const total = (key) => {
    const match = [...text.matchAll(new RegExp(`^# ${key} (\\d+)\\s*$`, 'gm'))].at(-1)
    return match ? Number(match[1]) : null
  }
  const passed = total('pass')
  const failed = total('fail')
  if (passed === null || failed === null) throw new Error('no "# pass N" / "# fail N" totals')
  return {
    format: 'tap',
    passed,
    failed: failed + (total('cancelled') ?? 0),
    skipped: (total('skipped') ?? 0) + (total('todo') ?? 0),
    // Tests the browser harness ran again because their browser was lost (apps/demo/e2e/harness.mjs).
    retried: text.match(/^\s*# the browser was lost \(/gm)?.length ?? 0,
  }
}

let passed = 0
let failed = 0
for (const arg of process.argv.slice(2)) {
  const eq = arg.indexOf('=')
  const [label, file] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, arg]
  try {
    const counts = parseReport(readFileSync(file, 'utf8'))
    passed += counts.passed
    failed += counts.failed
    console.log(
      `  ${label} (${counts.format}): passed ${counts.passed}, failed ${counts.failed}, skipped ${counts.skipped}` +
        (counts.retried ? `, run again after a lost browser ${counts.retried}` : ''),
    )
  } catch (error) {
    failed += 1
    const reason =
      /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT'
        ? 'no report written'
        : String(error)
    console.log(`  ${label}: ${reason} (${file}), counted as 1 failed`)
  }
}

console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
