import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { colorIcon, outlineIcon } from './icons.js';

/** Regenerates manifests/teams/color.png and outline.png (committed; tests check them). */
const dir = path.resolve('manifests/teams');
writeFileSync(path.join(dir, 'color.png'), colorIcon());
writeFileSync(path.join(dir, 'outline.png'), outlineIcon());
process.stdout.write(`icons written to ${dir}\n`);
