import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { buildManifest, MANIFEST_DIR, MANIFEST_VERSION, PackageConfigError, packageInputFromEnv, validateLocalization, validateManifest } from '../adapters/teams/manifest.js';
import { runPackageCli } from '../adapters/teams/package-cli.js';
import { tempDir } from './helpers/tmp.js';

const APP_ID = '3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b';
const env = { MICROSOFT_APP_ID: APP_ID, PUBLIC_URL: 'https://ibp-bot.example.nl/' };

/** Width, height, colour type and the decoded RGBA pixels of an 8-bit RGBA PNG without interlacing. */
function readPng(bytes: Uint8Array): { width: number; height: number; colorType: number; rgba: Buffer } {
  const buf = Buffer.from(bytes);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  const width = buf.readUInt32BE(16);
  const height = buf.readUInt32BE(20);
  const colorType = buf[25]!;
  const idat: Buffer[] = [];
  for (let o = 8; o < buf.length; ) {
    const len = buf.readUInt32BE(o);
    if (buf.toString('ascii', o + 4, o + 8) === 'IDAT') idat.push(buf.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const rgba = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0); // filter type 0 (as our encoder writes)
    raw.copy(rgba, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, colorType, rgba };
}

describe('Teams app package', () => {
  it('npm run package:teams writes a zip whose manifest validates against the official schema', () => {
    const out = path.join(tempDir(), 'teams-app.zip');
    const message = runPackageCli(env, out);
    expect(message).toMatch(/teams-app\.zip/);
    const files = unzipSync(readFileSync(out));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'en.json', 'manifest.json', 'nl.json', 'outline.png']);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8')) as Record<string, unknown>;
    expect(validateManifest(manifest)).toEqual([]);
    expect(manifest).toMatchObject({
      manifestVersion: MANIFEST_VERSION,
      id: APP_ID,
      version: '0.1.0',
      developer: {
        websiteUrl: 'https://ibp-bot.example.nl/',
        privacyUrl: 'https://ibp-bot.example.nl/privacy',
        termsOfUseUrl: 'https://ibp-bot.example.nl/voorwaarden',
      },
      validDomains: ['ibp-bot.example.nl'],
      localizationInfo: { defaultLanguageTag: 'nl', additionalLanguages: [{ languageTag: 'en', file: 'en.json' }] },
    });
    const bot = (manifest.bots as Array<Record<string, unknown>>)[0]!;
    expect(bot.botId).toBe(APP_ID);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    const lists = bot.commandLists as Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const l of lists) expect(l.commands.map((c) => c.title)).toEqual(['help', 'knelpunt', 'reflectie', 'taal']);
    expect(JSON.stringify(manifest)).not.toMatch(/\{\{/);
    for (const f of ['nl.json', 'en.json']) expect(validateLocalization(JSON.parse(Buffer.from(files[f]!).toString('utf8')))).toEqual([]);
  });

  it('the schema check catches a broken manifest (the validator is real)', () => {
    const manifest = buildManifest(packageInputFromEnv(env, '1.0.0'));
    expect(validateManifest({ ...manifest, id: 'not-a-guid', accentColor: 'blue' }).length).toBeGreaterThan(0);
    expect(validateManifest({ ...manifest, bots: [{ botId: APP_ID, scopes: ['everywhere'] }] }).length).toBeGreaterThan(0);
    expect(validateLocalization({ 'name.short': 'x' }).length).toBeGreaterThan(0);
  });

  it('the localization files cover every command description of the manifest', () => {
    const manifest = buildManifest(packageInputFromEnv(env, '1.0.0'));
    const lists = (manifest.bots as Array<{ commandLists: Array<{ commands: unknown[] }> }>)[0]!.commandLists;
    for (const f of ['nl.json', 'en.json']) {
      const loc = JSON.parse(readFileSync(path.join(MANIFEST_DIR, f), 'utf8')) as Record<string, string>;
      lists.forEach((l, i) => l.commands.forEach((_, j) => expect(loc[`bots[0].commandLists[${i}].commands[${j}].description`], `${f} ${i}/${j}`).toBeTruthy()));
    }
  });

  it('icons: a 192x192 full-colour PNG and a 32x32 white-on-transparent outline', () => {
    const color = readPng(readFileSync(path.join(MANIFEST_DIR, 'color.png')));
    expect([color.width, color.height]).toEqual([192, 192]);
    const opaque = [...Array(192 * 192).keys()].every((i) => color.rgba[i * 4 + 3] === 255);
    expect(opaque).toBe(true);
    expect([...color.rgba.subarray(0, 3)]).toEqual([0x15, 0x42, 0x73]); // brand blue corner
    const outline = readPng(readFileSync(path.join(MANIFEST_DIR, 'outline.png')));
    expect([outline.width, outline.height, outline.colorType]).toEqual([32, 32, 6]);
    let transparent = 0;
    let visible = 0;
    for (let i = 0; i < 32 * 32; i++) {
      const [r, g, b, a] = outline.rgba.subarray(i * 4, i * 4 + 4);
      if (a === 0) transparent++;
      else {
        visible++;
        expect([r, g, b]).toEqual([255, 255, 255]); // white only
      }
    }
    expect(transparent).toBeGreaterThan(300);
    expect(visible).toBeGreaterThan(200);
  });

  it('missing or wrong variables give one clear error naming each variable', () => {
    const err = (() => {
      try {
        packageInputFromEnv({ PUBLIC_URL: 'http://ibp-bot.example.nl', TEAMS_APP_VERSION: 'v1' }, '0.1.0');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(PackageConfigError);
    const text = (err as Error).message;
    expect(text).toMatch(/MICROSOFT_APP_ID is not set/);
    expect(text).toMatch(/PUBLIC_URL="http:\/\/ibp-bot.example.nl": must be an https/);
    expect(text).toMatch(/TEAMS_APP_VERSION/);
    expect(() => packageInputFromEnv({ ...env, MICROSOFT_APP_ID: 'abc' }, '0.1.0')).toThrow(/must be a GUID/);
  });

  it('privacy and terms URLs and the developer name can be configured', () => {
    const input = packageInputFromEnv(
      { ...env, TEAMS_PRIVACY_URL: 'https://www.example.nl/privacy', TEAMS_TERMS_URL: 'https://www.example.nl/gebruik', TEAMS_DEVELOPER_NAME: 'Gemeente Voorbeeld' },
      '0.1.0',
    );
    const manifest = buildManifest(input);
    expect(manifest.developer).toMatchObject({ name: 'Gemeente Voorbeeld', privacyUrl: 'https://www.example.nl/privacy', termsOfUseUrl: 'https://www.example.nl/gebruik' });
    expect(validateManifest(manifest)).toEqual([]);
  });
});
