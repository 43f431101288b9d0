// `npm test`: every check in order, stopping at the first failure.
// Unit tests need nothing running; the e2e suite starts its own stack on its own
// ports (see e2e/global-setup.ts), and so does the bench, so both can run beside a running `npm start`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..');
const bin = (pkg: string, file: string) => join(root, 'node_modules', pkg, file);
const jestArgs = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--disable-warning=TimeoutNegativeWarning', bin('jest', 'bin/jest.js')];

const reports = join(root, '.local', 'test-reports');
const jestReport = (name: string) => ['--json', '--outputFile', join(reports, `${name}.json`)];

const steps: { name: string; args: string[] }[] = [
  { name: 'typecheck', args: [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.json', '--noEmit'] },
  // The module-boundary lint rule reads Nx's project graph, so compute it first.
  { name: 'project graph', args: [bin('nx', 'dist/bin/nx.js'), 'show', 'projects'] },
  { name: 'lint', args: [bin('eslint', 'bin/eslint.js'), '--max-warnings=0', 'apps', 'libs', 'e2e', 'tools'] },
  { name: 'build', args: [bin('@swc/cli', 'bin/swc.js'), 'apps', 'libs', '-d', 'dist', '--copy-files', '--config-file', '.swcrc'] },
  { name: 'unit and integration tests', args: [...jestArgs, '-c', 'jest.unit.config.js', '--ci', ...jestReport('unit')] },
  { name: 'e2e tests (real Kafka, MongoDB-wire, SMTP)', args: [...jestArgs, '-c', 'e2e/jest.config.js', '--ci', '--runInBand', ...jestReport('e2e')] },
  { name: 'fault tests (kill -9 under load)', args: [...jestArgs, '-c', 'e2e/faults/jest.config.js', '--ci', '--runInBand', ...jestReport('faults')] },
  // `npm run bench` is issue #9's deliverable: its quick mode (about a minute, on its own stack) must run
  // every scenario and measure every figure a goal is set for. Whether a goal is met is a result of the
  // full run on a quiet machine, never a test's verdict, so no figure is judged here. Its results go
  // with the test reports, never over a full run's bench-results/latest.json.
  { name: 'bench, quick mode (every scenario runs; no figure judged)', args: ['--import', pathToFileURL(bin('tsx', 'dist/loader.mjs')).href, join(root, 'tools', 'bench', 'bench.ts'), '--quick', '--no-build', '--results-dir', join(reports, 'bench')] },
];

/** Adds up the jest reports of this run: the closing line CI reads. */
function totals(): { passed: number; failed: number; skipped: number } {
  const sum = { passed: 0, failed: 0, skipped: 0 };
  for (const name of ['unit', 'e2e', 'faults']) {
    const file = join(reports, `${name}.json`);
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
    sum.passed += report.numPassedTests;
    sum.failed += report.numFailedTests;
    sum.skipped += report.numPendingTests;
  }
  return sum;
}

// `npm test -- <step>` runs the steps whose names start with it (say `e2e` or `bench`). A prefix that
// names no step is a typo, not a pass: it is refused with the steps' names.
const only = process.argv[2];
const selected = only ? steps.filter((step) => step.name.startsWith(only)) : steps;
if (selected.length === 0) {
  process.stderr.write(`no step of npm test starts with "${only}"; the steps: ${steps.map((step) => step.name.split(' (')[0]).join('; ')}\n`);
  process.exit(2);
}
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const started = Date.now();
for (const step of selected) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${step.name} ===\n`);
  const result = spawnSync(process.execPath, step.args, { cwd: root, stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  if (result.status !== 0) {
    const t = totals();
    process.stderr.write(`\n${step.name} failed (exit ${result.status ?? result.signal}).\n`);
    process.stdout.write(`${t.passed} passed, ${Math.max(t.failed, 1)} failed\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`=== ${step.name}: ok in ${((Date.now() - t0) / 1000).toFixed(1)} s ===\n`);
}
const t = totals();
process.stdout.write(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
process.stdout.write(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`);
