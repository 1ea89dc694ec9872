// The command line and its format worker, each bundled by esbuild into one file of dist/bin/ (the
// package's `fundplan`), from the JavaScript tsc compiled into dist/src/: a fresh process then
// reads and compiles one file, where loading the modules one by one (some 150 of fundplan's and
// its dependencies') took a quarter of a second before any work began, in the main thread and
// again in each worker. The library (dist/src) stays as modules. Run by `npm run build` after tsc.
import { build } from 'esbuild';

/**
 * One entry and everything it imports as one ES module for Node, but the two solver packages,
 * which fundplan loads at run time (`createRequire`) from node_modules: HiGHS with its WebAssembly
 * file beside it, and javascript-lp-solver. CommonJS dependencies that `require` Node's modules
 * get a `require` of their own, made for the bundle's place.
 */
async function bundleForNode(entry, outfile) {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['highs', 'javascript-lp-solver'],
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
}

// The workers beside the command line, which starts `./format-worker.js`, `./ahead-worker.js` and
// `./ranges-worker.js` next to itself; and the benchmark's child process the same way (npm run
// bench: it times what `fundplan` runs; not shipped).
await bundleForNode('dist/src/cli.js', 'dist/bin/fundplan.js');
await bundleForNode('dist/src/report/format-worker.js', 'dist/bin/format-worker.js');
await bundleForNode('dist/src/pipeline/ahead-worker.js', 'dist/bin/ahead-worker.js');
await bundleForNode('dist/src/pipeline/ranges-worker.js', 'dist/bin/ranges-worker.js');
await bundleForNode('dist/bench/bench-child.js', 'dist/bin/bench-child.js');
