/**
 * `npm run manifest:slack` -> dist/slack-manifest.yaml with PUBLIC_URL filled in.
 * `npm run manifest:slack -- --socket-mode` -> a Socket Mode manifest (no URLs needed).
 * `--out <file>` writes elsewhere.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEnvironment } from '../../src/config.js';
import { buildManifest, ManifestError } from './manifest.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const template = readFileSync(path.join(root, 'manifests', 'slack', 'manifest.yaml'), 'utf8');
const socketMode = process.argv.includes('--socket-mode');
const env = readEnvironment(root);
try {
  const publicUrl = env.PUBLIC_URL?.trim() || undefined;
  const out = buildManifest(template, { socketMode, ...(publicUrl ? { publicUrl } : {}) });
  const outAt = process.argv.indexOf('--out');
  const file = outAt > 0 && process.argv[outAt + 1] ? path.resolve(process.argv[outAt + 1]!) : path.join(root, 'dist', 'slack-manifest.yaml');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, out);
  console.log(`Wrote ${file}${socketMode ? ' (Socket Mode)' : ` for ${publicUrl}`}.`);
  console.log('Create the app at https://api.slack.com/apps -> Create New App -> From a manifest, and paste this file.');
} catch (e) {
  if (!(e instanceof ManifestError)) throw e;
  console.error(`manifest:slack: ${e.message}`);
  process.exitCode = 1;
}
