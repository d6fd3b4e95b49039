import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readEnvironment } from '../../src/config.js';
import { buildAppPackage, PackageConfigError, packageInputFromEnv } from './manifest.js';

/**
 * `npm run package:teams`: writes dist/teams-app.zip for upload to Teams (Teams
 * admin center, Developer Portal, or "Upload a custom app"). Reads MICROSOFT_APP_ID
 * and PUBLIC_URL (and the optional TEAMS_* variables) from the environment or .env.
 */
export function runPackageCli(env: Record<string, string | undefined>, outFile: string): string {
  const pkg = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version: string };
  const input = packageInputFromEnv(env, pkg.version);
  const { zip, manifest } = buildAppPackage(input);
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, zip);
  return `Teams app package written to ${path.relative(process.cwd(), outFile) || outFile} (manifest ${String(manifest.manifestVersion)}, version ${input.version}, bot ${input.appId}, domain ${new URL(input.publicUrl).host}).`;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isMain) {
  try {
    process.stdout.write(`${runPackageCli(readEnvironment(), path.resolve('dist/teams-app.zip'))}\n`);
  } catch (e) {
    if (e instanceof PackageConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
