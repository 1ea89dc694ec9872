/**
 * The what-if page in Chromium (Debian's, through playwright-core): for seeded synthetic batches
 * of the Shenzhen policy's shape (as `npm run bench`), the size of whatif.html, the time from
 * opening it to the first result, and how long a control change takes to show its result — from
 * the fragment set to the result drawn (`#result` no longer busy and showing those settings),
 * measured in the page — median and 90th percentile over the changes, which alternate a budget,
 * a measure ceiling and the company cap, each made once the page has settled (the background
 * worker's frontier and "more budget" drawn). The worker's and the page's own times are printed too,
 * and "the page's part": for each change, shown less the worker as the page waits for it (the
 * hash change reaching the page's script, its drawing, layout and paint, and the frame waited for).
 *
 *   npm run bench:whatif                          # 3,000 applications, 20 changes
 *   npm run bench:whatif -- --sizes 3000,20000 --changes 20
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { runWhatIf } from '../src/commands/whatif.js';
import { writeBenchScenario } from './bench.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
};
const sizes = arg('sizes', '3000').split(',').map(Number);
const changes = Number(arg('changes', '20'));
const executablePath = process.env.FUNDPLAN_CHROMIUM ?? '/usr/bin/chromium';

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

const work = mkdtempSync(join(tmpdir(), 'fundplan-whatif-bench-'));
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'], headless: true });
try {
  for (const n of sizes) {
    const scenario = writeBenchScenario(join(work, String(n)), n);
    const out = join(work, String(n), 'out');
    const { file } = await runWhatIf({ scenario, out });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.getElementById('result')!.dataset.status !== undefined, undefined, { timeout: 600_000 });
    const first = performance.now() - t0;
    const budget = n * 1_100_000;
    const fragments = Array.from({ length: changes }, (_, i) => {
      const k = i % 3;
      const f = 0.8 + 0.4 * (((i * 7) % changes) / changes);
      if (k === 0) return `budget=${Math.round(budget * f / 100) * 100}`;
      if (k === 1) return `measure.P11-RETROFIT.max=${Math.round(n * 270_000 * f / 100) * 100}`;
      return `companyAnnualCap=${Math.round(30_000_000 * f / 100) * 100}`;
    });
    const shown: number[] = [];
    const worker: number[] = [];
    const roundtrip: number[] = [];
    const render: number[] = [];
    const pagePart: number[] = [];
    for (const fragment of fragments) {
      const r = await page.evaluate(
        (h) =>
          new Promise<{ ms: number; status: string; worker: string; render: string; roundtrip: string }>((done) => {
            const result = document.getElementById('result')!;
            const t = performance.now();
            const check = () => {
              if (result.dataset.busy === 'false' && result.dataset.fragment === location.hash.slice(1)) {
                observer.disconnect();
                // After the next frame: the page laid out and painted.
                requestAnimationFrame(() => setTimeout(() => done({ ms: performance.now() - t, status: result.dataset.status!, worker: result.dataset.ms ?? '', render: result.dataset.renderMs ?? '', roundtrip: result.dataset.roundtripMs ?? '' }), 0));
              }
            };
            const observer = new MutationObserver(check);
            observer.observe(result, { attributes: true });
            location.hash = h;
          }),
        fragment,
      );
      if (r.status !== 'optimal') throw new Error(`${fragment}: ${r.status}`);
      // Each change is made from a settled page, as a person looks at a result before the next
      // move: the background worker's frontier and "more budget" have been drawn.
      await page.waitForFunction(() => document.getElementById('more')!.textContent !== '', undefined, { timeout: 600_000 });
      shown.push(r.ms);
      worker.push(Number(r.worker));
      render.push(Number(r.render));
      roundtrip.push(Number(r.roundtrip));
      pagePart.push(r.ms - Number(r.roundtrip));
    }
    const steps = await page.evaluate(() => document.getElementById('status-line')!.textContent);
    console.log(
      `${n.toLocaleString('en')} applications: whatif.html ${(statSync(file).size / 1e6).toFixed(2)} MB; first result ${(first / 1000).toFixed(2)} s; ` +
        `a change shown in ${quantile(shown, 0.5).toFixed(0)} ms median, ${quantile(shown, 0.9).toFixed(0)} ms p90 (${changes} changes; ` +
        `the worker's solve, round, verify and sentences ${quantile(worker, 0.5).toFixed(0)} ms, the page's drawing ${quantile(render, 0.5).toFixed(0)} ms, the worker as the page waits for it ${quantile(roundtrip, 0.5).toFixed(0)} ms, ` +
        `the page's part ${quantile(pagePart, 0.5).toFixed(0)} ms, medians) — last: ${steps}`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
