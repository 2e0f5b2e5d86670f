// Bundles the language server, the CLI and the VS Code client with esbuild (see README: Build).
import * as esbuild from 'esbuild';
import { chmod, readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
const watch = process.argv.includes('--watch');

// ESM bundles of CommonJS dependencies need a `require` of their own.
const esmBanner =
    "import { createRequire as __payruleCreateRequire } from 'node:module'; const require = __payruleCreateRequire(import.meta.url);";

const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    define: { PAYRULE_VERSION: JSON.stringify(pkg.version) },
    external: ['@duckdb/*', 'playwright-core'],
};

/** An ES module bundle for Node: every Node entry point but the CLI (which adds its #! line) is one. */
const esm = (entry, outfile) => ({ ...common, entryPoints: [entry], outfile, format: 'esm', banner: { js: esmBanner } });

const builds = [
    esm('src-server/language-server/main.ts', 'dist/server.js'),
    { ...esm('src-cli/main.ts', 'dist/cli.js'), banner: { js: `#!/usr/bin/env node\n${esmBanner}` } },
    // The worker threads of the library's parallel evaluateStream and of `payrule eval` (a bundle of their
    // own: they start without the language server). Beside dist/lib/evaluator.js, which finds it
    // relative to itself wherever the package is installed; dist/cli.js finds it as ./lib/eval-worker.js.
    esm('src-server/core/evaluator/parallel/worker.ts', 'dist/lib/eval-worker.js'),
    // The worker threads of `payrule check` and `payrule compile` on large workspaces.
    esm('src-server/language/workspace/check-worker.ts', 'dist/check-worker.js'),
    // The worker threads of `payrule impact`'s proof on large changes (src-server/core/impact/parallel.ts).
    esm('src-server/core/impact/worker.ts', 'dist/impact-worker.js'),
    // The worker threads of `payrule impact --claims` (replay of NDJSON history, src-server/core/impact/replay-parallel.ts).
    esm('src-server/core/impact/replay-worker.ts', 'dist/replay-worker.js'),
    { ...common, entryPoints: ['src-client/extension.ts'], outfile: 'dist/extension.cjs', format: 'cjs', external: ['vscode'] },
    // Library entry points for other tools (package.json "exports": payrule/pack, payrule/evaluator).
    esm('src-server/core/pack/index.ts', 'dist/lib/pack.js'),
    esm('src-server/core/evaluator/library.ts', 'dist/lib/evaluator.js'),
];

// The browser playground and claim checker (src-client/browser/): the language server in a web worker and the
// evaluator in the page, written into the site by `payrule docs`. Node's built-ins the server
// imports are replaced by small browser versions (src-client/browser/shims/; node:path by pathe).
const nodeShims = {
    name: 'payrule-browser-shims',
    setup(build) {
        const shims = {
            fs: 'src-client/browser/shims/fs.ts',
            crypto: 'src-client/browser/shims/crypto.ts',
            url: 'src-client/browser/shims/url.ts',
            // node-x12 (the claim checker's 837P reader): a Transform base class and a text decoder.
            stream: 'src-client/browser/shims/stream.ts',
            string_decoder: 'src-client/browser/shims/string-decoder.ts',
        };
        build.onResolve({ filter: /^(node:)?(fs|crypto|url|path|stream|string_decoder)$/ }, async args => {
            const name = args.path.replace(/^node:/, '');
            if (name === 'path') return build.resolve('pathe', { kind: args.kind, resolveDir: process.cwd() });
            return { path: new URL(`../${shims[name]}`, import.meta.url).pathname };
        });
    },
};
const browser = {
    bundle: true,
    platform: 'browser',
    target: 'chrome110',
    format: 'iife',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [nodeShims],
    inject: ['src-client/browser/shims/buffer.ts'],
    define: {
        PAYRULE_VERSION: JSON.stringify(pkg.version),
        'process.env.NODE_ENV': '"production"',
        'import.meta.url': '"file:///payrule/dist/web/bundle.js"',
    },
};
builds.push(
    { ...browser, entryPoints: ['src-client/browser/playground-worker.ts'], outfile: 'dist/web/playground-worker.js' },
    { ...browser, entryPoints: ['src-client/browser/playground.ts'], outfile: 'dist/web/playground.js' },
    { ...browser, entryPoints: ['src-client/browser/claim-checker.ts'], outfile: 'dist/web/claim-checker.js' },
);

if (watch) {
    for (const options of builds) await (await esbuild.context(options)).watch();
} else {
    await Promise.all(builds.map(options => esbuild.build(options)));
    await chmod('dist/cli.js', 0o755);
}
