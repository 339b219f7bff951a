// npm test: every tier (static checks, unit, integration on real PostGIS, end-to-end in Debian's Chromium).
// `npm test -- unit integration` runs only the named tiers; other arguments go to the test runner
// (`npm test -- integration tests/integration/hotspots.test.ts`).
import { runTiers, type Tier } from '../lib/test-tiers';

const all: Tier[] = ['static', 'unit', 'integration', 'e2e'];
const args = process.argv.slice(2);
const named = args.filter((a): a is Tier => (all as string[]).includes(a));
const rest = args.filter((a) => !(all as string[]).includes(a));
const ok = await runTiers(named.length ? named : all, rest);
process.exit(ok ? 0 : 1);
