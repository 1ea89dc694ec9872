/** Files that ship with fundplan (the bundled policy), found from this module in src/ or dist/src/, or from the bundled command line in dist/bin/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BUNDLED_POLICY = 'scenarios/policies/shenzhen-iiot-2018.json';

/** The absolute path of a file in the package (looked for up to four folders above this one). */
export function bundledPath(relativePath: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, relativePath);
    if (existsSync(p)) return p;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', relativePath);
}
