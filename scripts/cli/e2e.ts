// npm run test:e2e: builds if needed and runs Playwright against the built app on a throwaway database.
import { runTiers } from '../lib/test-tiers';

const ok = await runTiers(['e2e'], process.argv.slice(2));
process.exit(ok ? 0 : 1);
