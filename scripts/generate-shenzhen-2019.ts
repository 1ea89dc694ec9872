/**
 * Regenerates scenarios/shenzhen-2019/applications.csv (seeded: the same bytes every time).
 * Chinese headers, amounts in 万元, UTF-8 with BOM, as a district office's export would be.
 *   npm run generate
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateApplications, toCsv } from './synthetic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rows = generateApplications({ seed: 2019, count: 372, year: 2019, lateShare: 0.012, badCodes: [41] });
// Categories as district offices write them: the measure's Chinese name.
const policy = JSON.parse(readFileSync(join(root, 'scenarios', 'policies', 'shenzhen-iiot-2018.json'), 'utf8')) as {
  measures: { id: string; name: { zh: string } }[];
};
const zh = new Map(policy.measures.map((m) => [m.id, m.name.zh]));
const out = join(root, 'scenarios', 'shenzhen-2019', 'applications.csv');
writeFileSync(out, '\uFEFF' + toCsv(rows, { chinese: true, measureLabel: (id) => zh.get(id) ?? id }));
console.log(`wrote ${rows.length} applications to ${out}`);
