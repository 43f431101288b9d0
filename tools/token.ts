// Mints an API token for the local stack:
//   npm run token -- --role business --business-id b1 --sub u1 [--ttl 3600]
// Uses AUTH_JWT_SECRET when set, else the dev secret `npm start` runs with.
import { parseArgs } from 'node:util';
import { ROLES, signApiToken, type Role } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';

const USAGE = `usage: npm run token -- --role ${ROLES.join('|')} [--business-id <id> (business and processor roles)] [--sub <user id>] [--ttl <seconds, 3600>]`;

function parse() {
  try {
    return parseArgs({
      options: {
        role: { type: 'string' },
        'business-id': { type: 'string' },
        sub: { type: 'string', default: 'dev-user' },
        ttl: { type: 'string', default: '3600' },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    // An unknown or malformed option: say what is allowed rather than throw a stack trace.
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

const { values } = parse();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const role = values.role as Role | undefined;
if (!role || !ROLES.includes(role)) {
  process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`);
  process.exit(2);
}
if ((role === 'business' || role === 'processor') && !values['business-id']) {
  process.stderr.write(`--business-id is required for the ${role} role\n`);
  process.exit(2);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) {
  process.stderr.write('--ttl must be a positive number of seconds\n');
  process.exit(2);
}
const secret = process.env.AUTH_JWT_SECRET || DEV_JWT_SECRET;
process.stdout.write(`${signApiToken({ sub: values.sub!, role, businessId: values['business-id'] }, secret, ttl)}\n`);
