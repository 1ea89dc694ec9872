// The what-if page's browser code (src/whatif/ui.ts, worker.ts and worker-highs.ts, with the model, the network
// simplex, the rounding and the verifier they import) bundled by esbuild into dist/whatif/, which
// src/whatif/page.ts inlines into whatif.html. Run by `npm run build` after tsc.
import { build } from 'esbuild';

// worker-highs: the worker with HiGHS's JS glue, for pages whose scenario needs HiGHS. The glue's
// Node branches (node:fs, node:module, …) never run in a browser: left as they are.
for (const name of ['ui', 'worker', 'worker-highs']) {
  await build({
    ...(name === 'worker-highs' ? { external: ['node:*'], define: { 'import.meta.url': '""' } } : {}),
    entryPoints: [`src/whatif/${name}.ts`],
    outfile: `dist/whatif/${name}.js`,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
  });
}
