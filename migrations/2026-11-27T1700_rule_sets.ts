import { sql, type Kysely } from 'kysely';

// Rule sets as versioned documents (validated by the app's zod schema before they are stored), and
// the reference layers rules measure against (housing areas, nightlife areas, schools, any polygon
// layer). A published version is immutable: the database itself refuses to change or delete it, so
// a check recorded against a version can always be explained by the rules it used. Each rule set
// has at most one draft, the version ministry reviewers edit before publishing it.
const LAYERS: [string, string, string, string, string][] = [
	[
		'housing_area',
		'Boligområder',
		'Housing areas',
		'Boligområder (almene boligafdelinger og lignende), som § 2 a måler »nær tilknytning« til.',
		'Housing areas (social housing estates and the like), which § 2 a measures "close connection" to.'
	],
	[
		'housing_area_permit',
		'Boligområder med politigodkendt tv-overvågning',
		'Housing areas with police-permitted CCTV',
		'Boligområder, der tv-overvåges med politiets tilladelse efter § 2, stk. 2 (reference for § 2 a indtil 30.6.2025).',
		'Housing areas filmed with a police permit under § 2(2) (the reference of § 2 a until 30 June 2025).'
	],
	[
		'nightlife_area',
		'Nattelivsområder',
		'Nightlife areas',
		'Områder med restaurationsvirksomhed (barer, restauranter, natklubber), som § 2 c måler »umiddelbar tilknytning« til.',
		'Areas of restaurant businesses (bars, restaurants, night clubs), which § 2 c measures "immediate connection" to.'
	],
	['school', 'Skoler', 'Schools', 'Skolers grunde.', 'School grounds.']
];

export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('rule_sets')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('slug', 'text', (c) =>
			c
				.notNull()
				.unique()
				.check(sql`slug ~ '^[a-z][a-z0-9]*([-_][a-z0-9]+)*$' AND length(slug) <= 64`)
		)
		// The title of the latest published version (of the draft while there is none).
		.addColumn('title_da', 'text', (c) => c.notNull())
		.addColumn('title_en', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();

	await db.schema
		.createTable('rule_set_versions')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('rule_set_id', 'bigint', (c) => c.notNull().references('rule_sets.id').onDelete('restrict'))
		.addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
		.addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('draft', 'published')`))
		.addColumn('document', 'jsonb', (c) => c.notNull().check(sql`jsonb_typeof(document) = 'object'`))
		.addColumn('based_on_version_id', 'bigint', (c) =>
			c.references('rule_set_versions.id').onDelete('set null')
		)
		.addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('restrict'))
		// Who, as the audit trail names them (an e-mail, `cli:<user>` or `shipped` for seeded sets).
		.addColumn('created_by_label', 'text', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('published_at', 'timestamptz')
		.addColumn('published_by', 'uuid', (c) => c.references('users.id').onDelete('restrict'))
		.addColumn('published_by_label', 'text')
		.addUniqueConstraint('rule_set_versions_number', ['rule_set_id', 'version'])
		.addCheckConstraint(
			'rule_set_versions_published',
			sql`(status = 'published') = (published_at IS NOT NULL AND published_by_label IS NOT NULL)`
		)
		.execute();
	await sql`
		CREATE UNIQUE INDEX rule_set_versions_one_draft ON rule_set_versions (rule_set_id) WHERE status = 'draft'
	`.execute(db);
	await sql`CREATE INDEX rule_set_versions_based_on_idx ON rule_set_versions (based_on_version_id)`.execute(
		db
	);

	// Published versions never change. A draft may be edited, published (its one change of status)
	// or deleted. Drafts are only ever based on published versions, so the ON DELETE SET NULL of
	// based_on_version_id never has to touch a published row.
	await sql`
		CREATE FUNCTION tk_rule_set_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF TG_OP = 'TRUNCATE' THEN
				IF EXISTS (SELECT 1 FROM rule_set_versions WHERE status = 'published') THEN
					RAISE EXCEPTION 'published rule-set versions are immutable: TRUNCATE is not allowed'
						USING ERRCODE = 'insufficient_privilege';
				END IF;
				RETURN NULL;
			END IF;
			IF OLD.status = 'published' THEN
				RAISE EXCEPTION 'rule-set version % is published and immutable: % is not allowed', OLD.id, TG_OP
					USING ERRCODE = 'insufficient_privilege';
			END IF;
			IF TG_OP = 'DELETE' THEN
				RETURN OLD;
			END IF;
			IF NEW.rule_set_id <> OLD.rule_set_id OR NEW.version <> OLD.version THEN
				RAISE EXCEPTION 'a draft cannot move to another rule set or version number'
					USING ERRCODE = 'insufficient_privilege';
			END IF;
			RETURN NEW;
		END
		$$
	`.execute(db);
	await sql`
		CREATE TRIGGER rule_set_versions_immutable BEFORE UPDATE OR DELETE ON rule_set_versions
		FOR EACH ROW EXECUTE FUNCTION tk_rule_set_versions_immutable()
	`.execute(db);
	await sql`
		CREATE TRIGGER rule_set_versions_no_truncate BEFORE TRUNCATE ON rule_set_versions
		FOR EACH STATEMENT EXECUTE FUNCTION tk_rule_set_versions_immutable()
	`.execute(db);

	await db.schema
		.createTable('reference_layers')
		.addColumn('kind', 'text', (c) =>
			c.primaryKey().check(sql`kind ~ '^[a-z][a-z0-9]*([-_][a-z0-9]+)*$' AND length(kind) <= 64`)
		)
		.addColumn('name_da', 'text', (c) => c.notNull().check(sql`length(name_da) BETWEEN 1 AND 200`))
		.addColumn('name_en', 'text', (c) => c.notNull().check(sql`length(name_en) BETWEEN 1 AND 200`))
		.addColumn('description_da', 'text')
		.addColumn('description_en', 'text')
		.execute();
	await db
		.insertInto('reference_layers')
		.values(
			LAYERS.map(([kind, name_da, name_en, description_da, description_en]) => ({
				kind,
				name_da,
				name_en,
				description_da,
				description_en
			}))
		)
		.execute();

	await db.schema
		.createTable('reference_features')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('layer', 'text', (c) =>
			c.notNull().references('reference_layers.kind').onDelete('restrict').onUpdate('cascade')
		)
		.addColumn('name', 'text', (c) => c.check(sql`length(name) BETWEEN 1 AND 300`))
		// The file (or seeder) it came from, and its own id there: the key a re-import is checked by.
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('source_ref', 'text')
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`, (c) =>
			c.notNull().check(sql`ST_IsValid(geom) AND NOT ST_IsEmpty(geom)`)
		)
		.addColumn('properties', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('is_synthetic', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('import_id', 'uuid')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`CREATE INDEX reference_features_geom_idx ON reference_features USING gist (geom)`.execute(db);
	await sql`CREATE INDEX reference_features_layer_idx ON reference_features (layer)`.execute(db);
	await sql`
		CREATE UNIQUE INDEX reference_features_source_ref_idx ON reference_features (layer, source_ref)
		WHERE source_ref IS NOT NULL
	`.execute(db);

	// The 'reference_layers' dataset version moves with every change to the layers or their
	// features (once per transaction, as tk_bump_cameras_dataset does), for caches and tile ETags.
	await sql`
		INSERT INTO datasets (name, source, is_demo) VALUES ('reference_layers', 'import', false)
		ON CONFLICT (name) DO NOTHING
	`.execute(db);
	await sql`
		CREATE FUNCTION tk_bump_reference_layers_dataset() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF coalesce(current_setting('tryghedskort.reference_layers_bumped', true), '') = '' THEN
				INSERT INTO datasets (name, source, is_demo) VALUES ('reference_layers', 'import', false)
				ON CONFLICT (name) DO UPDATE SET version = datasets.version + 1, updated_at = now();
				PERFORM set_config('tryghedskort.reference_layers_bumped', 'yes', true);
			END IF;
			RETURN NULL;
		END
		$$
	`.execute(db);
	for (const table of ['reference_layers', 'reference_features']) {
		await sql`
			CREATE TRIGGER ${sql.raw(`${table}_bump_dataset`)}
			AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
			FOR EACH STATEMENT EXECUTE FUNCTION tk_bump_reference_layers_dataset()
		`.execute(db);
	}
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('reference_features').execute();
	await db.schema.dropTable('reference_layers').execute();
	await sql`DROP FUNCTION tk_bump_reference_layers_dataset()`.execute(db);
	await sql`DELETE FROM datasets WHERE name = 'reference_layers'`.execute(db);
	await db.schema.dropTable('rule_set_versions').execute();
	await sql`DROP FUNCTION tk_rule_set_versions_immutable()`.execute(db);
	await db.schema.dropTable('rule_sets').execute();
}
