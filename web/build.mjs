// Builds the workbench into dist/: one bundled script, the page and the style sheet.
// Everything the browser needs is in dist/; nothing is fetched from elsewhere at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });
const result = await build({
  entryPoints: [join(root, 'src', 'main.ts')],
  outfile: join(dist, 'assets', 'app.js'),
  bundle: true,
  format: 'iife',
  target: ['es2022'],
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// A warning (a duplicate catalogue key, say) is a mistake: the build fails on it.
if (result.warnings.length > 0) {
  console.error(`build: ${result.warnings.length} warning(s)`);
  process.exit(1);
}
await copyFile(join(root, 'src', 'index.html'), join(dist, 'index.html'));
await copyFile(join(root, 'src', 'app.css'), join(dist, 'app.css'));
console.log('built dist/');
