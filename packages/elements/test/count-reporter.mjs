import { writeSync } from 'node:fs';

// Ends the run with one plain line `N passed, N failed` (scripts/run-tests.mjs reads it). A test file
// that failed to load or crashed outside any test counts as one failure, so it can never pass as green.
export function countReporter() {
  let passed = 0;
  let failed = 0;
  const countSuite = (suite) => {
    let p = 0;
    let f = 0;
    for (const t of suite?.tests ?? []) {
      if (t.skipped) continue;
      if (t.passed) p += 1;
      else f += 1;
    }
    for (const s of suite?.suites ?? []) {
      const r = countSuite(s);
      p += r.p;
      f += r.f;
    }
    return { p, f };
  };
  return {
    onTestRunFinished({ sessions }) {
      passed = 0;
      failed = 0;
      for (const session of sessions) {
        const { p, f } = countSuite(session.testResults);
        passed += p;
        failed += f;
        if (f === 0 && (!session.passed || (session.errors?.length ?? 0) > 0)) failed += 1;
      }
    },
    stop() {
      // The default reporter flushes its summary during stop too; print at exit so this is the last line
      // (writeSync: nothing async runs in an exit handler).
      process.once('exit', () => writeSync(1, `${passed} passed, ${failed} failed\n`));
    },
  };
}
