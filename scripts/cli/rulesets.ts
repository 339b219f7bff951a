// npm run rulesets -- schema | check [FILE...]
//   schema  writes geodata/rulesets/ruleset.schema.json from the zod schema (src/lib/rules/schema.ts)
//   check   validates rule-set files (default: every shipped one) and prints each error with its path
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { formatRuleSetError, validateRuleSetText } from '../../src/lib/rules/schema';
import { RULESETS_DIR, RULESET_SCHEMA_FILE, ruleSetSchemaFileText } from '../lib/ruleset-schema-file';
import { projectRoot } from '../lib/database';

const usage = 'usage: npm run rulesets -- schema | check [FILE...]';

async function main(): Promise<number> {
	const [command, ...files] = process.argv.slice(2);
	if (command === 'schema') {
		const path = join(projectRoot, RULESETS_DIR, RULESET_SCHEMA_FILE);
		await writeFile(path, await ruleSetSchemaFileText());
		console.log(`Wrote ${join(RULESETS_DIR, RULESET_SCHEMA_FILE)}.`);
		return 0;
	}
	if (command === 'check') {
		const dir = join(projectRoot, RULESETS_DIR);
		const paths = files.length
			? files
			: (await readdir(dir))
					.filter((f) => f.endsWith('.json') && f !== RULESET_SCHEMA_FILE)
					.sort()
					.map((f) => join(dir, f));
		let bad = 0;
		for (const path of paths) {
			const result = validateRuleSetText(await readFile(path, 'utf8'));
			if (result.ok) {
				console.log(`${basename(path)}: valid (${result.value.id}, ${result.value.rules.length} rules)`);
			} else {
				bad++;
				console.log(`${basename(path)}: ${result.errors.length} errors`);
				for (const e of result.errors) console.log(`  ${formatRuleSetError(e)}`);
			}
		}
		return bad ? 1 : 0;
	}
	console.error(usage);
	return command ? 2 : 0;
}

main().then(
	(code) => process.exit(code),
	(e) => {
		console.error(e instanceof Error ? e.message : String(e));
		process.exit(1);
	}
);
