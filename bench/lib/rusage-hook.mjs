// Loaded with `node --import` into each measured CLI process (eval-bench, scale-bench): writes the
// process's resource usage (all threads: peak RSS, user and system CPU time) to the file named by
// PAYRULE_BENCH_RUSAGE when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
        process.env.PAYRULE_BENCH_RUSAGE,
        JSON.stringify({ maxRSS: usage.maxRSS, user: usage.userCPUTime, system: usage.systemCPUTime }),
    );
});
