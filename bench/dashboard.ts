import path from 'node:path';
import { openKnowledgeBase } from '../src/knowledge/base.js';
import { page } from '../src/dashboard/layout.js';
import { kennisvragenPage } from '../src/dashboard/pages/kennisvragen.js';
import { overviewPage } from '../src/dashboard/pages/overview.js';
import { LowdbStore } from '../src/store/lowdb/store.js';
import { type Store } from '../src/store/types.js';
import { OVERHEDEN, URGENTIES, type KnelpuntStatus } from '../src/domain/knelpunt.js';
import { summarise, type Summary } from './stats.js';

export interface DashboardBenchSizes {
  knelpunten: number;
  gaps: number;
  reflections: number;
}

export const ISSUE_SIZES: DashboardBenchSizes = { knelpunten: 10_000, gaps: 20_000, reflections: 2_000 };

export interface DashboardBench {
  sizes: DashboardBenchSizes;
  backend: string;
  /** The overview page, store reads to HTML string, as the route serves it. */
  overview: Summary;
  /** The Kennisvragen page (groups 20,000 questions): first view, then later views (token cache warm). */
  kennisvragenFirstMs: number;
  kennisvragen: Summary;
  htmlBytes: number;
}

const DAY = 86_400_000;
const PATH: KnelpuntStatus[] = ['in_behandeling', 'geagendeerd', 'opgelost'];

/**
 * Fills any Store through its interface only, so another backend (PostgreSQL) can be
 * measured with the same data: knelpunten spread over a year with status histories,
 * knowledge gaps (part of them handled), and shared reflections.
 */
export async function seedDashboard(store: Store, sizes: DashboardBenchSizes, now: Date, opgaven: string[]): Promise<void> {
  const t0 = now.getTime();
  const words = ['wonen', 'klimaat', 'schulden', 'migratie', 'regiodeal', 'subsidie', 'vergunning', 'stikstof', 'energie', 'zorg', 'jeugd', 'onderwijs', 'water', 'dijk', 'bodem', 'mest', 'netcongestie', 'asiel'];
  for (let i = 0; i < sizes.knelpunten; i++) {
    const created = new Date(t0 - ((i * 7919) % 365) * DAY - (i % 24) * 3_600_000);
    const { knelpunt } = await store.knelpunten.create({
      opgave: opgaven[i % opgaven.length]!, beschrijving: `Knelpunt ${i}: ${words[i % words.length]} en ${words[(i * 5) % words.length]} lopen vast tussen overheden.`,
      overheden: [OVERHEDEN[i % OVERHEDEN.length]!], urgentie: URGENTIES[i % URGENTIES.length]!, anoniem: i % 4 === 0, platform: 'slack',
      ...(i % 4 === 0 ? {} : { reporter: { platform: 'slack' as const, userId: `U${i}`, name: `Melder ${i}` } }),
    }, `bench-${i}`, created);
    // Most get triaged; some go further; some are declined.
    const steps = i % 10 === 9 ? -1 : i % 5;
    let from: KnelpuntStatus = 'nieuw';
    if (steps === -1) {
      await store.knelpunten.changeStatus(knelpunt.ref, { at: new Date(created.getTime() + 2 * DAY).toISOString(), by: 'aad:bench', from, to: 'niet_opgepakt', toelichting: 'Hoort elders.' });
      continue;
    }
    for (let s = 0; s < Math.min(steps, PATH.length); s++) {
      const to = PATH[s]!;
      await store.knelpunten.changeStatus(knelpunt.ref, { at: new Date(created.getTime() + (s + 1) * 3 * DAY).toISOString(), by: 'aad:bench', from, to });
      from = to;
    }
  }
  const handled: string[] = [];
  for (let i = 0; i < sizes.gaps; i++) {
    const g = await store.gaps.add({
      text: `Hoe zit het met ${words[i % words.length]} en ${words[(i * 7) % words.length]} in regio ${i % 613}?`, locale: 'nl', platform: i % 2 ? 'teams' : 'slack',
      at: new Date(t0 - (sizes.gaps - i) * 1_500_000).toISOString(),
    });
    if (i % 3 === 0) handled.push(g.id);
  }
  await store.gaps.markHandled(handled, 'aad:bench', now);
  for (let i = 0; i < sizes.reflections; i++) {
    await store.reflections.add({
      channelKey: `slack:C${i % 40}`, platform: 'slack', anonymous: i % 3 === 0, ...(i % 3 === 0 ? {} : { authorName: `Collega ${i}` }),
      goed: 'We spraken elkaar eerder.', beter: 'De planning kan strakker.', opgave: opgaven[i % opgaven.length], zekerheid: `zekerheid-${(i % 7) + 1}`,
      locale: 'nl', createdAt: new Date(t0 - (i % 180) * DAY).toISOString(),
    });
  }
}

/**
 * Server time of the overview with the issue's data volume: the store's figures (the
 * repositories' `stats`: one pass in memory on lowdb, SQL aggregates on PostgreSQL)
 * and the HTML. `openStore` picks the backend; lowdb in memory by default.
 */
export async function dashboardBenchmark(
  openStore: () => Promise<Store> = async () => LowdbStore.openInMemory(),
  sizes: DashboardBenchSizes = ISSUE_SIZES,
  runs = 20,
): Promise<DashboardBench> {
  const knowledge = await openKnowledgeBase(path.resolve('knowledge'));
  const store = await openStore();
  try {
    const now = new Date('2026-11-23T10:00:00Z');
    await seedDashboard(store, sizes, now, [...knowledge.ofType('opgave').map((e) => e.id), 'anders']);
    const deps = { store, knowledge, now: () => now };
    const user = { name: 'Benchmark', csrf: 'x' };
    let htmlBytes = 0;
    const time = async (fn: () => Promise<string>): Promise<number> => {
      const t0 = performance.now();
      htmlBytes = (await fn()).length;
      return performance.now() - t0;
    };
    const overview = async (): Promise<string> => {
      const p = await overviewPage(deps);
      return page({ ...p, section: 'overzicht', user });
    };
    await time(overview); // warm-up (JIT)
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await time(overview));
    const overviewBytes = htmlBytes;
    const gaps = async (): Promise<string> => page({ ...(await kennisvragenPage(deps, {}, 'x')), section: 'kennisvragen', user });
    const kennisvragenFirstMs = await time(gaps);
    const gapSamples: number[] = [];
    for (let i = 0; i < 5; i++) gapSamples.push(await time(gaps));
    return { sizes, backend: store.backend, overview: summarise(samples), kennisvragenFirstMs, kennisvragen: summarise(gapSamples), htmlBytes: overviewBytes };
  } finally {
    await store.close();
  }
}
