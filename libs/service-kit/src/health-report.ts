import type { HealthCheckResult } from '@nestjs/terminus';
import { DomainError } from '@feedback/http';

/** Each dependency /health checks, and whether it answered. */
export type DependencyStates = Record<string, 'up' | 'down'>;

const joinNames = (names: readonly string[]) => (names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`);

/**
 * The refusal a failed /health answers with, in the contract's error body
 * (`{statusCode, error, message}`), naming each dependency and whether it is up.
 * Why one is down (broker addresses, driver errors) goes to the service's log,
 * not to the unauthenticated caller.
 */
export function unhealthy(result: HealthCheckResult): DomainError {
  const dependencies: DependencyStates = Object.fromEntries(Object.entries(result.details).map(([name, indicator]) => [name, indicator.status === 'down' ? 'down' : 'up']));
  if (result.status === 'shutting_down') return new DomainError(503, 'shutting_down', 'the service is shutting down', { dependencies });
  const down = Object.keys(dependencies).filter((name) => dependencies[name] === 'down');
  return new DomainError(503, 'dependency_unavailable', `${joinNames(down)} ${down.length === 1 ? 'is' : 'are'} down`, { dependencies });
}
