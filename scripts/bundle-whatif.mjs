// The what-if page's browser code (src/whatif/ui.ts and worker.ts, with the model, the network
// simplex, the rounding and the verifier they import) bundled by esbuild into dist/whatif/, which
// src/whatif/page.ts inlines into whatif.html. Run by `npm run build` after tsc.
import { build } from 'esbuild';

for (const name of ['ui', 'worker']) {
  await build({
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
