import { parseOptions, SIZES, USAGE, UsageRequested } from './options.ts';

describe('the bench options', () => {
  const saved = process.env.BENCH_INFRA;
  afterEach(() => {
    if (saved === undefined) delete process.env.BENCH_INFRA;
    else process.env.BENCH_INFRA = saved;
  });

  it('runs every scenario in full mode on its own local stack by default', () => {
    delete process.env.BENCH_INFRA;
    const options = parseOptions([]);
    expect(options).toMatchObject({ mode: 'full', sizes: SIZES.full, infra: 'local', build: true, keep: false, portOffset: 500, resultsDir: 'bench-results' });
    expect(options.scenarios).toHaveLength(6);
  });

  it('runs on containers or external infrastructure when asked, by flag or by BENCH_INFRA', () => {
    delete process.env.BENCH_INFRA;
    expect(parseOptions(['--infra', 'external']).infra).toBe('external');
    process.env.BENCH_INFRA = 'external';
    expect(parseOptions(['--quick']).infra).toBe('external');
    expect(parseOptions(['--infra', 'local']).infra).toBe('local');
    expect(parseOptions(['--infra', 'containers']).infra).toBe('containers');
  });

  it('writes the results where asked (npm test keeps its quick run out of bench-results)', () => {
    expect(parseOptions(['--quick', '--results-dir', '.local/test-reports/bench']).resultsDir).toBe('.local/test-reports/bench');
    expect(() => parseOptions(['--results-dir', ' '])).toThrow(/--results-dir must name a folder/);
  });

  it('answers --help with the usage, as a request rather than an error', () => {
    expect(() => parseOptions(['--help'])).toThrow(UsageRequested);
    expect(() => parseOptions(['--help'])).toThrow(USAGE);
    expect(() => parseOptions(['--only', 'nope'])).not.toThrow(UsageRequested);
  });

  it('refuses an unknown infrastructure or scenario, saying what is allowed', () => {
    expect(() => parseOptions(['--infra', 'docker'])).toThrow(/--infra must be local, containers, external; got "docker"/);
    expect(() => parseOptions(['--only', 'pipeline,nope'])).toThrow(/unknown scenario\(s\) nope/);
  });
});
