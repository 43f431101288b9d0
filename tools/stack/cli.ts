// `npm start`: builds the services, starts the whole local stack on the
// DESIGN.md ports, prints where to look, and stops everything on Ctrl-C.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEV_JWT_SECRET, DEV_PII_KEYS } from '@feedback/config';
import { devProfile, SERVICES, startStack } from './stack.ts';

const repoRoot = join(__dirname, '..', '..');
const log = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  log('Building the services...');
  const build = spawnSync(process.execPath, [join(repoRoot, 'node_modules', '@swc', 'cli', 'bin', 'swc.js'), 'apps', 'libs', '-d', 'dist', '--copy-files', '--config-file', '.swcrc'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) throw new Error('the build failed (see above)');

  const started = Date.now();
  const stack = await startStack(repoRoot, devProfile(repoRoot), log);
  const { urls } = stack;
  const secret = process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET;
  log('');
  log(`The platform is up (${((Date.now() - started) / 1000).toFixed(1)} s). Where to look:`);
  for (const service of SERVICES) log(`  ${service.padEnd(15)} ${urls.services[service]}   docs ${urls.services[service]}/docs   health ${urls.services[service]}/health`);
  log(`  analyst dashboard ${urls.services.analytics}/dashboard   (sign in with: npm run token -- --role analyst)`);
  log(`  email inbox       ${urls.mailWebUrl}   (SMTP ${urls.smtpUrl}; REST API ${urls.mailWebUrl}/api/email)`);
  log(`  Kafka             ${urls.kafkaBrokers}`);
  log(`  MongoDB (wire)    ${urls.mongoUrl}   (data in ${stack.profile.dataDir})`);
  log(`  logs              ${join(stack.profile.dataDir, 'logs')}`);
  log('');
  log(`Dev JWT secret (AUTH_JWT_SECRET): ${secret}`);
  if (!process.env.PII_ENCRYPTION_KEYS) log(`Dev PII key ring (PII_ENCRYPTION_KEYS): ${DEV_PII_KEYS}`);
  log('Mint an API token:  npm run token -- --role business --business-id b1 --sub u1');
  log('Fill it with a realistic scenario:  npm run demo');
  log('Press Ctrl-C to stop everything.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping services, then MailDev, MongoDB and Kafka...`);
    await stack.stop();
    log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  for (const proc of stack.processes) {
    void proc.exited.then((code) => {
      if (!stopping) log(`warning: ${proc.name} exited (code ${code}); see ${proc.logFile}`);
    });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`\nnpm start failed: ${error.message}\n`);
  process.exit(1);
});
