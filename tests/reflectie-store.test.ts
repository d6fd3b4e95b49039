import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_FILE, LowdbStore } from '../src/store/lowdb/store.js';
import { tempDir } from './helpers/tmp.js';

describe('lowdb data files and the reflectie records', () => {
  it('a data file from before reflectie (no reflections, dialogues, subscriptions, nudges) still opens, and gets them on the next write', async () => {
    const dir = tempDir();
    // the single-file format (version 1) as it was before reflectie
    const old = { version: 1, feedback: [], conversations: {}, dedupe: {}, knelpunten: [], knelpuntCounters: {}, knelpuntSubmissions: {}, triageChannels: [], sessions: {} };
    writeFileSync(path.join(dir, DATA_FILE), JSON.stringify({ ...old, gaps: [{ id: 'g1', text: 'oud', locale: 'nl', platform: 'local', at: '2026-01-01T00:00:00.000Z' }] }));
    const store = await LowdbStore.open({ dataDir: dir });
    expect(await store.subscriptions.list()).toEqual([]);
    expect(await store.reflections.count()).toBe(0);
    await store.reflections.add({ goed: 'x', channelKey: 'slack:C1', platform: 'slack', anonymous: true, locale: 'nl', createdAt: '2026-11-23T10:00:00.000Z' });
    await store.close();
    // converted to the current format on open: every table is there
    const raw = JSON.parse(readFileSync(path.join(dir, DATA_FILE), 'utf8')) as Record<string, unknown>;
    expect(raw.version).toBe(2);
    expect(Object.keys(raw)).toEqual(expect.arrayContaining(['reflections', 'dialogues', 'subscriptions', 'nudges', 'gaps']));
    const again = await LowdbStore.open({ dataDir: dir });
    expect((await again.gaps.list()).map((g) => g.text)).toEqual(['oud']);
    expect(await again.reflections.count()).toBe(1);
    await again.close();
  });

  it('refuses a data file with a malformed subscription, naming the field', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, DATA_FILE), JSON.stringify({ version: 2, journal: 1, subscriptions: [{ id: 's1', kind: 'nudge' }] }));
    await expect(LowdbStore.open({ dataDir: dir })).rejects.toThrow(/subscriptions\.0/);
  });
});
