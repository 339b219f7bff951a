// The committed JSON Schema of rule-set files, as `npm run rulesets -- schema` writes it and the
// unit test compares it: generated from the zod schema and formatted like the rest of the tree.
import { format, resolveConfig } from 'prettier';
import { join } from 'node:path';
import { ruleSetJsonSchema } from '../../src/lib/rules/schema';
import { projectRoot } from './database';

export const RULESETS_DIR = join('geodata', 'rulesets');
export const RULESET_SCHEMA_FILE = 'ruleset.schema.json';

export async function ruleSetSchemaFileText(): Promise<string> {
	const path = join(projectRoot, RULESETS_DIR, RULESET_SCHEMA_FILE);
	const options = (await resolveConfig(path)) ?? {};
	return format(JSON.stringify(ruleSetJsonSchema(), null, '\t'), { ...options, filepath: path });
}
