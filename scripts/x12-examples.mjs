// Regenerate the outcomes of examples/x12/ with the built CLI (npm run build first):
//   node scripts/x12-examples.mjs
// test/x12/examples.test.ts checks that the files are what these commands write now.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const EXAMPLE_OUTPUTS = {
    'examples/x12/outcomes.json': ['eval', '--policy', 'policies', '--format', 'json', 'examples/x12/claims.837'],
    'examples/x12/remittance.835': ['eval', '--policy', 'policies', '--format', 'x12-835', 'examples/x12/claims.837'],
};

if (process.argv[1] === import.meta.filename) {
    for (const [file, args] of Object.entries(EXAMPLE_OUTPUTS)) {
        const run = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), ...args], { cwd: root, encoding: 'utf8' });
        if (run.status !== 0 && run.status !== 1) {
            console.error(run.stderr);
            process.exit(1);
        }
        fs.writeFileSync(path.join(root, file), run.stdout);
        console.log(`wrote ${file}`);
    }
}
