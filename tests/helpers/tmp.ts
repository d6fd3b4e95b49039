import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A fresh empty directory under the OS temp dir. */
export function tempDir(prefix = 'ibp-bot-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}
