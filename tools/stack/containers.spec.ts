import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { containerInfra, containerPlan, containerRuntimeLikely } from './containers.ts';

const composeText = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, { image: string; environment?: Record<string, unknown> }> };

describe("the containers' plan, from docker-compose.yml", () => {
  const plan = containerPlan(composeText, 'docker.example', 49_321);

  it('runs the images production runs', () => {
    expect(plan.kafka.image).toBe(compose.services.kafka!.image);
    expect(plan.mongo.image).toBe(compose.services.mongo!.image);
    expect(plan.maildev.image).toBe(compose.services.maildev!.image);
  });

  it("configures Kafka as compose does, but advertises its host listener at the runtime's host and the chosen port (the others at localhost)", () => {
    const { KAFKA_ADVERTISED_LISTENERS, ...rest } = plan.kafka.environment;
    const { KAFKA_ADVERTISED_LISTENERS: composed, ...composeRest } = compose.services.kafka!.environment as Record<string, unknown>;
    expect(rest).toEqual(Object.fromEntries(Object.entries(composeRest).map(([key, value]) => [key, String(value)])));
    expect(String(composed)).toBe('PLAINTEXT://kafka:9092,HOST://localhost:9094');
    expect(KAFKA_ADVERTISED_LISTENERS).toBe('PLAINTEXT://localhost:9092,HOST://docker.example:49321');
    expect(plan.kafka.ports).toEqual([{ container: 9094, host: 49_321 }]);
  });

  it('leaves out settings compose takes from the environment (MongoDB runs without credentials)', () => {
    expect(plan.mongo.environment).toEqual({});
    expect(Object.values(plan.maildev.environment).join()).not.toContain('${');
  });

  it('gives the services and tests the mapped addresses', () => {
    const mapped = { mongo: { 27017: 32_768 }, maildev: { 1025: 32_769, 1080: 32_770 } } as Record<string, Record<number, number>>;
    expect(containerInfra(plan, 'docker.example', (service, port) => mapped[service]![port]!)).toEqual({
      kafkaBrokers: 'docker.example:49321',
      mongoUrl: 'mongodb://docker.example:32768',
      smtpUrl: 'smtp://docker.example:32769',
      mailWebUrl: 'http://docker.example:32770',
    });
  });

  it('expects a runtime where DOCKER_HOST is set', () => {
    expect(containerRuntimeLikely({ DOCKER_HOST: 'tcp://docker:2375' })).toBe(true);
  });
});
