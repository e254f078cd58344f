// The type of `import 'react-avatar-keepalive/styles.css'`: a side-effect import with nothing to
// import. TypeScript 6+ checks that side-effect imports resolve (`noUncheckedSideEffectImports`),
// so package.json `exports` gives the stylesheet this file as its `types`; no `*.css` declaration
// is needed in the app.
export {}
