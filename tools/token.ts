// Mints an API token for the local stack:
//   npm run token -- --role business --business-id b1 --sub u1 [--ttl 3600]
// Uses AUTH_JWT_SECRET when set, else the dev secret `npm start` runs with.
import { ROLES, signApiToken, type Role } from '@feedback/auth';
import { DEV_JWT_SECRET } from '@feedback/config';
import { parseCommandLine } from './command-line.ts';

const USAGE = `usage: npm run token -- --role ${ROLES.join('|')} [--business-id <id> (business and processor roles)] [--sub <user id>] [--ttl <seconds, 3600>]`;

const values = parseCommandLine(
  {
    role: { type: 'string' },
    'business-id': { type: 'string' },
    sub: { type: 'string', default: 'dev-user' },
    ttl: { type: 'string', default: '3600' },
    help: { type: 'boolean', default: false },
  },
  USAGE,
);

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
