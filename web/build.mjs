// Builds the workbench into dist/: one bundled script, the page and the style sheet.
// Everything the browser needs is in dist/; nothing is fetched from elsewhere at run time.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
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
// One style sheet for the page: the workbench's, then the Research page's.
const css = await Promise.all(['app.css', 'research.css'].map((name) => readFile(join(root, 'src', name), 'utf8')));
await writeFile(join(dist, 'app.css'), css.join('\n'));
// The map's countries (Natural Earth 1:110m, world-atlas, ISC), served by the node with the
// workbench and read by the Research page: no tile server, no internet.
await copyFile(join(root, 'node_modules', 'world-atlas', 'countries-110m.json'), join(dist, 'assets', 'countries-110m.json'));
console.log('built dist/');
