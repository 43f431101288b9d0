// `npm run bench [-- --quick]`: builds the services, starts a stack of its own
// (tools/bench/bench-stack.ts), runs the scenarios of issue #9 one after another
// on a quiet system, prints the table and writes bench-results/<time>/ (JSON,
// SVG chart, table) and bench-results/latest.json (or under --results-dir). The stack is stopped at the
// end, on Ctrl-C and on failure. Each figure is printed beside a baseline
// measured in the same run, on the same machine.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { provideInfra, type ProvidedInfra } from '../stack/infra-source.ts';
import { startStack, type RunningStack } from '../stack/stack.ts';
import { benchProfile, newSecrets } from './bench-stack.ts';
import { drain, keyRingOf, openClients, type BenchContext } from './context.ts';
import { busyServiceGroups, cleanUpRun } from './external-run.ts';
import { evaluate, unjudged, type Figure } from './goals.ts';
import { parseOptions, UsageRequested, type ScenarioName } from './options.ts';
import { Progress } from './progress.ts';
import { describeRun, renderJson, renderSvg, renderTable, type BenchDocument } from './report.ts';
import { analyticsLarge, analyticsSmall, type ReadResult } from './scenarios/analytics-reads.ts';
import { latencyScenario } from './scenarios/latency.ts';
import { notificationsScenario } from './scenarios/notifications.ts';
import { pipelineScenario } from './scenarios/pipeline.ts';
import { respondentHttpScenario } from './scenarios/respondent-http.ts';

const repoRoot = join(__dirname, '..', '..');

// kafkajs 2.2.4 schedules a negative timeout that Node 24 warns about (kafkajs
// issue #1751; the bench's own client is made with newKafka, which stops the timer
// loop behind it, but the stack's probes are not). bootstrap.cjs starts this file with --disable-warning
// for it; run any other way (straight from node), that one warning is dropped here too.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const TITLES: Record<ScenarioName, string> = {
  'analytics-small': 'analytics reads, small: fill and time the dashboard API',
  pipeline: 'pipeline: answers published, stored and counted (baseline: bare kafkajs consumer)',
  latency: 'latency: end-to-end at a steady offered load',
  notifications: 'notifications: emails rendered and delivered (baseline: pooled nodemailer)',
  'respondent-http': 'respondent HTTP: POST /respond/:token under autocannon (baseline: /health)',
  'analytics-large': 'analytics reads, large: fill and time the dashboard API again',
};

function build(progress: Progress): void {
  const swc = join(repoRoot, 'node_modules', '@swc', 'cli', 'bin', 'swc.js');
  const result = spawnSync(process.execPath, [swc, 'apps', 'libs', '-d', 'dist', '--copy-files', '--config-file', '.swcrc'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('the build failed (see above)');
  progress.line('      services built');
}

/** The commit the run measures, so a figure can be traced to its code; undefined outside a git checkout. */
function revision(): BenchDocument['revision'] {
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' });
  const head = git('rev-parse', '--short=12', 'HEAD');
  if (head.status !== 0 || !head.stdout.trim()) return undefined;
  // Results and local state are git-ignored, so any change listed here is to the code or the docs.
  const status = git('status', '--porcelain');
  return { commit: head.stdout.trim(), dirty: status.status !== 0 || status.stdout.trim() !== '' };
}

/** Writes the run's results under `resultsDir` (resolved from the repository): its own folder, and `latest.json`. */
function writeResults(doc: BenchDocument, table: string, resultsDir: string): string {
  const root = resolve(repoRoot, resultsDir);
  const dir = join(root, doc.startedAt.replace(/[:.]/g, '-'));
  mkdirSync(dir, { recursive: true });
  const json = renderJson(doc);
  writeFileSync(join(dir, 'bench.json'), json);
  const title = `${describeRun(doc)}: ${doc.startedAt}`;
  writeFileSync(join(dir, 'chart.svg'), renderSvg(doc.figures, title));
  writeFileSync(join(dir, 'table.txt'), `${title}\n\n${table}\n`);
  writeFileSync(join(root, 'latest.json'), json);
  return dir;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const progress = new Progress();
  const startedAt = new Date().toISOString();
  const totalStages = options.scenarios.length + 2;
  let stage = 0;
  const measured = revision();
  progress.line(`${describeRun({ mode: options.mode, infra: options.infra, revision: measured })}: ${options.scenarios.join(', ')}`);

  progress.stage(++stage, totalStages, 'building the services and starting the bench stack');
  if (options.build) build(progress);
  const secrets = newSecrets();
  const runId = randomUUID().slice(0, 8);
  let infra: ProvidedInfra | undefined;
  let stack: RunningStack | undefined;
  let stopping: Promise<void> | undefined;
  // On external infrastructure the run's databases, topics and groups outlive the stack: removed after it
  // stops. Containers go with everything in them.
  const stop = () =>
    (stopping ??= (stack?.stop() ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => (infra?.source === 'external' && infra.external ? cleanUpRun(infra.external, runId, (line) => progress.line(line)) : undefined))
      .then(() => infra?.stop())
      .catch(() => undefined));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      progress.line(`\n${signal}: stopping the bench stack...`);
      void stop().then(() => process.exit(130));
    });
  }

  const figures: Figure[] = [];
  const failures: BenchDocument['failures'] = [];
  const details: Record<string, unknown> = {};
  let ctx: BenchContext | undefined;
  try {
    const stackStarted = Date.now();
    infra = await provideInfra({ source: options.infra, automatic: false }, { repoRoot, env: process.env, envPrefix: 'BENCH_', log: (line) => progress.line(`      infra: ${line}`) });
    const external = infra.external;
    const profile = benchProfile(repoRoot, { mode: options.mode, portOffset: options.portOffset, secrets, runId, external });
    if (infra.source === 'external' && external) {
      const busy = await busyServiceGroups(external);
      if (busy.length > 0) throw new Error(`consumer group(s) ${busy.join(', ')} on ${external.kafkaBrokers} have members: stop the platform's own services there first (start only its infrastructure), or the bench's services would share their events`);
    }
    stack = await startStack(repoRoot, profile, (line) => progress.line(`      stack: ${line}`));
    progress.line(`      stack up in ${((Date.now() - stackStarted) / 1000).toFixed(1)} s (${external ? 'services only; service logs' : 'data and logs'} in ${profile.dataDir})`);
    ctx = { options, stack, secrets, keyRing: keyRingOf(secrets), runId, progress, details, paused: new Set(), ...(await openClients(stack)) };
    // A broker that outlives runs may hold events the services have not consumed yet (a run stopped midway).
    if (infra.source === 'external') await drain(ctx, 'events earlier runs left on the topics');

    const scenariosStarted = Date.now();
    let small: ReadResult | undefined;
    let smallFigures: Figure[] = [];
    for (const scenario of options.scenarios) {
      progress.stage(++stage, totalStages, TITLES[scenario]);
      const began = Date.now();
      try {
        switch (scenario) {
          case 'analytics-small': {
            const measured = await analyticsSmall(ctx);
            small = measured.result;
            smallFigures = measured.figures;
            break;
          }
          case 'pipeline':
            figures.push(...(await pipelineScenario(ctx)));
            break;
          case 'latency':
            figures.push(...(await latencyScenario(ctx)));
            break;
          case 'notifications':
            figures.push(...(await notificationsScenario(ctx)));
            break;
          case 'respondent-http':
            figures.push(...(await respondentHttpScenario(ctx)));
            break;
          case 'analytics-large':
            figures.push(...(await analyticsLarge(ctx, small)));
            // The small run is now the baseline column of these rows.
            smallFigures = [];
            break;
        }
        progress.line(`      (${((Date.now() - began) / 1000).toFixed(0)} s)`);
      } catch (error) {
        const message = (error as Error).stack ?? String(error);
        failures.push({ scenario, error: message });
        progress.line(`      FAILED: ${(error as Error).message}`);
      }
    }
    figures.push(...smallFigures);
    progress.line(`\n      scenarios took ${((Date.now() - scenariosStarted) / 1000).toFixed(0)} s after the stack was up`);
  } catch (error) {
    failures.push({ scenario: 'stack', error: (error as Error).stack ?? String(error) });
    progress.line(`      FAILED: ${(error as Error).message}`);
  } finally {
    if (ctx) {
      await Promise.all([ctx.producer.disconnect(), ctx.admin.disconnect(), ctx.mongo.close()]).catch(() => undefined);
    }
  }

  progress.stage(++stage, totalStages, 'results');
  const evaluated = figures.map(evaluate);
  const table = renderTable(evaluated);
  const doc: BenchDocument = {
    startedAt,
    mode: options.mode,
    infra: options.infra,
    machine: { cpus: cpus().length, totalMemoryMb: Math.round(totalmem() / 1_048_576), node: process.version },
    revision: measured,
    figures: evaluated,
    details,
    failures,
  };
  const dir = writeResults(doc, table, options.resultsDir);
  progress.line(`\n${table}\n`);
  for (const failure of failures) progress.line(`failed: ${failure.scenario}: ${failure.error.split('\n')[0]}`);
  const missing = unjudged(evaluated);
  for (const figure of missing) progress.line(`not measured: ${figure.scenario} ${figure.name}${figure.note ? ` (${figure.note})` : ''}: its goal cannot be judged`);
  progress.line(`results: ${dir} (bench.json, chart.svg, table.txt) and ${join(dirname(dir), 'latest.json')}`);
  if (options.mode === 'quick') progress.line('quick mode: small sizes for development; the goals are stated for the full run.');

  if (options.keep && stack) {
    progress.line(`--keep: the bench stack is still running (${stack.profile.dataDir}); Ctrl-C stops it.`);
    await new Promise(() => undefined);
  }
  progress.line('stopping the bench stack...');
  await stop();
  // Unmet goals are results; a failed scenario or a goal left unjudged is a run that did not do its job.
  return failures.length > 0 || missing.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageRequested) {
      process.stdout.write(`${error.message}\n`);
      process.exit(0);
    }
    process.stderr.write(`\nnpm run bench failed: ${error.message}\n`);
    process.exit(1);
  },
);
