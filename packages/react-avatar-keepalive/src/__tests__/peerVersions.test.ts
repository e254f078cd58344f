import query from '@tanstack/react-query/package.json'
import reactDom from 'react-dom/package.json'
import react from 'react/package.json'
import zustand from 'zustand/package.json'
import { version as loadedReact } from 'react'
import { expect, test } from 'vitest'

// Each test project (see vitest.workspace.ts) runs the suite against one set of peers; this proves
// which ones were really loaded.
test('runs against the React major this project is for', () => {
  expect(react.version.split('.')[0]).toBe(process.env.EXPECTED_REACT)
  expect(loadedReact).toBe(react.version)
  expect(reactDom.version).toBe(react.version)
})

test('runs against the zustand major this project is for', () => {
  expect(zustand.version.split('.')[0]).toBe(process.env.EXPECTED_ZUSTAND)
})

// The main project and the other compat projects run the newest TanStack Query 5 (a prefix of
// its version is expected), one runs the lowest (the whole version).
test('runs against the TanStack Query this project is for', () => {
  expect(query.version.startsWith(process.env.EXPECTED_QUERY!)).toBe(true)
})
