// Regenerate the outcomes of examples/x12/ with the built CLI (npm run build first):
//   node scripts/x12-examples.mjs
// examples/x12/commands.json lists the commands; test/x12/remittance.test.ts checks that the files are what these commands write now.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const EXAMPLE_OUTPUTS = JSON.parse(fs.readFileSync(path.join(root, 'examples/x12/commands.json'), 'utf8'));

{
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
