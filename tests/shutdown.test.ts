import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { forwardedFor } from './helpers/people.js';
import { tempDir } from './helpers/tmp.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Graceful shutdown with a real process and a real signal: SIGTERM in the middle of
 * 100 concurrent knelpunt submissions. Every submission that got a success reply is
 * stored; the others got an error or no connection; the data file is valid; exit 0.
 * (npm does not wait for its script on SIGTERM, so the node process is signalled itself.)
 */
describe('graceful shutdown', () => {
  it('SIGTERM during 100 concurrent knelpunt submissions loses no confirmed report', async () => {
    const port = await freePort();
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, KNOWLEDGE_DIR: path.resolve('knowledge'),
        NODE_ENV: 'production', LOG_LEVEL: 'info',
        // Production without sign-in turns the web chat off; an operator opens it with WEB_CHAT=open (README, Deployment).
        WEB_CHAT: 'open',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 600 && !out.includes('ibp-bot ready'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out).toContain('ibp-bot ready');

    let answered = 0;
    const submissions = Array.from({ length: 100 }, async (_, i) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close', ...forwardedFor(`shutdown-session-${i}`) },
        body: JSON.stringify({
          session: `shutdown-session-${i}`,
          messageId: `shutdown-message-${i}`,
          input: { kind: 'form', formId: 'knelpunt', values: { opgave: 'anders', beschrijving: `Knelpunt nummer ${i} bij het afsluiten.`, urgentie: 'laag' } },
        }),
      });
      const body = (await res.json()) as { replies?: { fallbackText: string }[] };
      answered += 1;
      return { status: res.status, ref: /KP-\d{4}-\d+/.exec(body.replies?.[0]?.fallbackText ?? '')?.[0] };
    });
    while (answered < 10) await new Promise((r) => setTimeout(r, 2));
    child.kill('SIGTERM');
    const results = await Promise.allSettled(submissions);
    expect(await exited).toBe(0);
    expect(out).toMatch(/shutting down/);

    const confirmed = results.flatMap((r) => (r.status === 'fulfilled' && r.value.status === 200 && r.value.ref ? [r.value.ref] : []));
    expect(confirmed.length).toBeGreaterThanOrEqual(10);
    const store = await LowdbStore.open({ dataDir, readOnly: true }); // throws if the file is not valid
    const stored = new Set((await store.knelpunten.list()).map((k) => k.ref));
    await store.close();
    for (const ref of confirmed) expect(stored.has(ref), ref).toBe(true);
    expect(stored.size).toBeGreaterThanOrEqual(confirmed.length);
  }, 60_000);
});
