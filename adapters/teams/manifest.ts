import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsPlugin from 'ajv-formats';
import { zipSync } from 'fflate';

/**
 * The Teams app package: manifest.template.json filled in from the environment,
 * checked against Microsoft's official schema (shipped in @microsoft/app-manifest,
 * so no network), zipped with the icons and the localization files.
 */
export const MANIFEST_VERSION = '1.30';
export const MANIFEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../manifests/teams');
export const PACKAGE_FILES = ['color.png', 'outline.png', 'nl.json', 'en.json'] as const;
const LOCALIZATION_FILES = ['nl.json', 'en.json'];

export interface PackageInput {
  /** The bot's Microsoft App ID (Entra app registration); also used as the Teams app id. */
  appId: string;
  /** Where the bot runs, `https://ibp-bot.example.nl`. */
  publicUrl: string;
  /** x.y.z; raise it for every upload of a changed package. */
  version: string;
  developerName: string;
  privacyUrl: string;
  termsUrl: string;
}

export class PackageConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams app package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageConfigError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reads and checks the variables; every problem is named with its variable. */
export function packageInputFromEnv(env: Record<string, string | undefined>, defaultVersion: string): PackageInput {
  const problems: string[] = [];
  const appId = env.MICROSOFT_APP_ID?.trim() ?? '';
  if (!appId) problems.push('MICROSOFT_APP_ID is not set: the Microsoft App ID of the bot (Azure Bot resource or Teams Developer Portal)');
  else if (!GUID.test(appId)) problems.push(`MICROSOFT_APP_ID=${JSON.stringify(appId)}: must be a GUID such as 00000000-0000-0000-0000-000000000000`);
  const rawUrl = env.PUBLIC_URL?.trim() ?? '';
  let publicUrl = '';
  if (!rawUrl) problems.push('PUBLIC_URL is not set: the public https address of the bot, e.g. https://ibp-bot.example.nl');
  else if (!/^https:\/\/[^/\s]+/i.test(rawUrl) || !URL.canParse(rawUrl)) problems.push(`PUBLIC_URL=${JSON.stringify(rawUrl)}: must be an https:// address (Teams requires https)`);
  else publicUrl = rawUrl.replace(/\/+$/, '');
  const version = env.TEAMS_APP_VERSION?.trim() || defaultVersion;
  if (!/^\d+\.\d+\.\d+$/.test(version)) problems.push(`TEAMS_APP_VERSION=${JSON.stringify(version)}: must be a version such as 1.0.0`);
  const developerName = env.TEAMS_DEVELOPER_NAME?.trim() || 'Interbestuurlijk Programma';
  if (developerName.length > 32) problems.push('TEAMS_DEVELOPER_NAME: at most 32 characters');
  for (const name of ['TEAMS_PRIVACY_URL', 'TEAMS_TERMS_URL']) {
    const v = env[name]?.trim();
    if (v && !/^https:\/\//i.test(v)) problems.push(`${name}=${JSON.stringify(v)}: must be an https:// address`);
  }
  if (problems.length > 0) throw new PackageConfigError(problems);
  return {
    appId,
    publicUrl,
    version,
    developerName,
    privacyUrl: env.TEAMS_PRIVACY_URL?.trim() || `${publicUrl}/privacy`,
    termsUrl: env.TEAMS_TERMS_URL?.trim() || `${publicUrl}/voorwaarden`,
  };
}

/** The template with every `{{NAME}}` filled in. */
export function buildManifest(input: PackageInput, dir = MANIFEST_DIR): Record<string, unknown> {
  const values: Record<string, string> = {
    MICROSOFT_APP_ID: input.appId,
    PUBLIC_URL: input.publicUrl,
    PUBLIC_HOST: new URL(input.publicUrl).host,
    VERSION: input.version,
    DEVELOPER_NAME: input.developerName,
    PRIVACY_URL: input.privacyUrl,
    TERMS_URL: input.termsUrl,
  };
  const template = JSON.parse(readFileSync(path.join(dir, 'manifest.template.json'), 'utf8')) as unknown;
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') {
      return v.replace(/\{\{([A-Z_]+)\}\}/g, (m, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`manifest.template.json: unknown placeholder ${m}`);
        return value;
      });
    }
    if (Array.isArray(v)) return v.map(fill);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(template) as Record<string, unknown>;
}

type Validate = ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null };
const validators = new Map<string, Validate>();

/** A validator for one of the official schemas, compiled once (draft-04, offline). */
function officialValidator(file: 'MicrosoftTeams.schema.json' | 'MicrosoftTeams.Localization.schema.json'): Validate {
  const cached = validators.get(file);
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve(`@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}/${file}`);
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // CommonJS modules seen from ESM (NodeNext): the class and the plugin sit on `.default`.
  const Ajv = AjvDraft04.default;
  const addFormats = addFormatsPlugin.default;
  // The localization schema has patterns that are invalid with the `u` flag (as Microsoft's own validator runs them).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema) as Validate;
  validators.set(file, validate);
  return validate;
}

function check(file: Parameters<typeof officialValidator>[0], data: unknown): string[] {
  const validate = officialValidator(file);
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'} ${e.params ? JSON.stringify(e.params) : ''}`.trim());
}

export const validateManifest = (manifest: unknown): string[] => check('MicrosoftTeams.schema.json', manifest);
export const validateLocalization = (json: unknown): string[] => check('MicrosoftTeams.Localization.schema.json', json);

/** manifest.json + icons + localization files as a zip; throws when anything does not validate. */
export function buildAppPackage(input: PackageInput, dir = MANIFEST_DIR): { zip: Uint8Array; manifest: Record<string, unknown> } {
  const manifest = buildManifest(input, dir);
  const problems = validateManifest(manifest).map((p) => `manifest.json: ${p}`);
  const files: Record<string, Uint8Array> = { 'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2)) };
  for (const name of PACKAGE_FILES) {
    const bytes = readFileSync(path.join(dir, name));
    if (LOCALIZATION_FILES.includes(name)) problems.push(...validateLocalization(JSON.parse(bytes.toString('utf8'))).map((p) => `${name}: ${p}`));
    files[name] = bytes;
  }
  if (problems.length > 0) throw new PackageConfigError(problems);
  return { zip: zipSync(files, { level: 9 }), manifest };
}
