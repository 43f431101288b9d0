import globalSetup from '../global-setup';

/**
 * The fault suites kill, freeze and restart the broker, the store and the mail
 * server as processes of this machine: they always run on the embedded local
 * infrastructure, whatever E2E_INFRA says for the e2e suite.
 */
export default async function faultsGlobalSetup(): Promise<void> {
  process.env.E2E_INFRA = 'local';
  await globalSetup();
}
