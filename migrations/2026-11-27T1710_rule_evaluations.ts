import { sql, type Kysely } from 'kysely';

// What the rules need of a camera beyond issue 5's register (the permit period of § 2 stk. 2
// cameras), and the evaluations used for decisions: each stored with the rule-set version that
// produced it, append-only, so a later rule change never rewrites why a camera was approved.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.alterTable('cameras')
		.addColumn('permit_valid_from', 'date')
		.addColumn('permit_valid_to', 'date')
		.execute();
	await sql`
		ALTER TABLE cameras ADD CONSTRAINT cameras_permit_period
		CHECK (permit_valid_from IS NULL OR permit_valid_to IS NULL OR permit_valid_from <= permit_valid_to)
	`.execute(db);

	await db.schema
		.createTable('camera_rule_evaluations')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('camera_id', 'uuid', (c) => c.notNull().references('cameras.id').onDelete('restrict'))
		.addColumn('rule_set_version_id', 'bigint', (c) =>
			c.notNull().references('rule_set_versions.id').onDelete('restrict')
		)
		// What the evaluation was used for: the decision it backs ('approve', 'return', ...).
		.addColumn('decision', 'text', (c) => c.notNull())
		.addColumn('as_of', 'date', (c) => c.notNull())
		.addColumn('allowed', 'boolean', (c) => c.notNull())
		// Per rule: id, title, outcome, measured, threshold, detail (no geometry).
		.addColumn('results', 'jsonb', (c) => c.notNull())
		.addColumn('evaluated_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('evaluated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('camera_rule_evaluations_camera_idx')
		.on('camera_rule_evaluations')
		.columns(['camera_id', 'evaluated_at'])
		.execute();
	// Impact analyses: two rule-set versions (either may be a draft) evaluated over every camera
	// that is not decommissioned; what changed per camera and the table per municipality.
	await db.schema
		.createTable('impact_analyses')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('version_a_id', 'bigint', (c) =>
			c.notNull().references('rule_set_versions.id').onDelete('cascade')
		)
		.addColumn('version_b_id', 'bigint', (c) =>
			c.notNull().references('rule_set_versions.id').onDelete('cascade')
		)
		.addColumn('as_of', 'date', (c) => c.notNull())
		.addColumn('cameras', 'integer', (c) => c.notNull())
		.addColumn('allowed_before', 'integer', (c) => c.notNull())
		.addColumn('allowed_after', 'integer', (c) => c.notNull())
		.addColumn('newly_allowed', 'integer', (c) => c.notNull())
		.addColumn('newly_refused', 'integer', (c) => c.notNull())
		.addColumn('compute_ms', 'integer', (c) => c.notNull())
		.addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createTable('impact_changes')
		.addColumn('analysis_id', 'bigint', (c) =>
			c.notNull().references('impact_analyses.id').onDelete('cascade')
		)
		.addColumn('camera_id', 'uuid', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
		.addColumn('municipality_code', 'smallint', (c) => c.notNull())
		.addColumn('allowed_before', 'boolean', (c) => c.notNull())
		.addColumn('allowed_after', 'boolean', (c) => c.notNull())
		// Rule ids of the version that failed the camera (severity error).
		.addColumn('failed_before', sql`text[]`, (c) => c.notNull())
		.addColumn('failed_after', sql`text[]`, (c) => c.notNull())
		.addPrimaryKeyConstraint('impact_changes_pk', ['analysis_id', 'camera_id'])
		.execute();
	await db.schema
		.createIndex('impact_changes_municipality_idx')
		.on('impact_changes')
		.columns(['analysis_id', 'municipality_code'])
		.execute();
	await db.schema
		.createTable('impact_municipalities')
		.addColumn('analysis_id', 'bigint', (c) =>
			c.notNull().references('impact_analyses.id').onDelete('cascade')
		)
		.addColumn('municipality_code', 'smallint', (c) => c.notNull())
		.addColumn('cameras', 'integer', (c) => c.notNull())
		.addColumn('allowed_before', 'integer', (c) => c.notNull())
		.addColumn('allowed_after', 'integer', (c) => c.notNull())
		.addColumn('newly_allowed', 'integer', (c) => c.notNull())
		.addColumn('newly_refused', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('impact_municipalities_pk', ['analysis_id', 'municipality_code'])
		.execute();

	await sql`
		CREATE FUNCTION tk_refuse_evaluation_change() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'recorded rule evaluations cannot be changed or deleted';
		END
		$$
	`.execute(db);
	await sql`
		CREATE TRIGGER camera_rule_evaluations_append_only
		BEFORE UPDATE OR DELETE OR TRUNCATE ON camera_rule_evaluations
		FOR EACH STATEMENT EXECUTE FUNCTION tk_refuse_evaluation_change()
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('impact_municipalities').execute();
	await db.schema.dropTable('impact_changes').execute();
	await db.schema.dropTable('impact_analyses').execute();
	await sql`DROP TRIGGER camera_rule_evaluations_append_only ON camera_rule_evaluations`.execute(db);
	await sql`DROP FUNCTION tk_refuse_evaluation_change()`.execute(db);
	await db.schema.dropTable('camera_rule_evaluations').execute();
	await sql`ALTER TABLE cameras DROP CONSTRAINT cameras_permit_period`.execute(db);
	await db.schema
		.alterTable('cameras')
		.dropColumn('permit_valid_from')
		.dropColumn('permit_valid_to')
		.execute();
}
