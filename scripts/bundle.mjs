// Bundles the language server, the CLI and the VS Code client with esbuild (see README: Build).
import * as esbuild from 'esbuild';
import { chmod, readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

// ESM bundles of CommonJS dependencies need a `require` of their own.
const esmBanner = "import { createRequire as __payruleCreateRequire } from 'node:module'; const require = __payruleCreateRequire(import.meta.url);";

const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    define: { PAYRULE_VERSION: JSON.stringify(pkg.version) },
    external: ['@duckdb/*', 'playwright-core'],
};

const builds = [
    { ...common, entryPoints: ['src-server/language/main.ts'], outfile: 'dist/server.js', format: 'esm', banner: { js: esmBanner } },
    { ...common, entryPoints: ['src-cli/main.ts'], outfile: 'dist/cli.js', format: 'esm', banner: { js: `#!/usr/bin/env node\n${esmBanner}` } },
    // The worker threads of `payrule eval` (a bundle of their own: they start without the language server).
    { ...common, entryPoints: ['src-cli/eval-worker.ts'], outfile: 'dist/eval-worker.js', format: 'esm', banner: { js: esmBanner } },
    // The worker threads of `payrule check` and `payrule compile` on large workspaces.
    { ...common, entryPoints: ['src-cli/check-worker.ts'], outfile: 'dist/check-worker.js', format: 'esm', banner: { js: esmBanner } },
    { ...common, entryPoints: ['src-client/extension.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode'] },
    // Library entry points for other tools (package.json "exports": payrule/pack, payrule/evaluator).
    { ...common, entryPoints: ['src-server/pack/index.ts'], outfile: 'dist/lib/pack.js', format: 'esm', banner: { js: esmBanner } },
    { ...common, entryPoints: ['src-server/evaluator/library.ts'], outfile: 'dist/lib/evaluator.js', format: 'esm', banner: { js: esmBanner } },
];

if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
} else {
    await Promise.all(builds.map(options => esbuild.build(options)));
    await chmod('dist/cli.js', 0o755);
}
