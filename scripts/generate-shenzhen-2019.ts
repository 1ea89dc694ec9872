/**
 * Regenerates scenarios/shenzhen-2019/applications.csv (seeded: the same bytes every time).
 * Chinese headers, amounts in 万元, UTF-8 with BOM, as a district office's export would be.
 *   npm run generate
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shenzhen2019Csv } from './synthetic.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const policy = JSON.parse(readFileSync(join(root, 'scenarios', 'policies', 'shenzhen-iiot-2018.json'), 'utf8'));
const out = join(root, 'scenarios', 'shenzhen-2019', 'applications.csv');
const csv = shenzhen2019Csv(policy);
writeFileSync(out, csv);
console.log(`wrote ${csv.split('\r\n').length - 2} applications to ${out}`);
