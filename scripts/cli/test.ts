// npm test: every tier (static checks, unit, integration on real PostGIS, end-to-end in Debian's Chromium).
// `npm test -- unit integration` runs only the named tiers.
import { runTiers, type Tier } from '../lib/test-tiers';

const all: Tier[] = ['static', 'unit', 'integration', 'e2e'];
const named = process.argv.slice(2).filter((a): a is Tier => (all as string[]).includes(a));
const ok = await runTiers(named.length ? named : all);
process.exit(ok ? 0 : 1);
