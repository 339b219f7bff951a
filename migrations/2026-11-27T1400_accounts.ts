import { sql, type Kysely } from 'kysely';

// Accounts scoped to a municipality or police district, sessions (Lucia-guide style: only the
// SHA-256 of the token is stored), a login throttle that holds across restarts and instances,
// and an append-only audit trail that the database itself protects.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('users')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('email', 'text', (c) => c.notNull())
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('role', 'text', (c) =>
			c.notNull().check(sql`role IN ('planner', 'police', 'ministry', 'admin')`)
		)
		.addColumn('municipality_code', 'smallint', (c) =>
			c.references('municipalities.code').onDelete('restrict')
		)
		.addColumn('police_district', 'smallint', (c) =>
			c.references('police_districts.number').onDelete('restrict')
		)
		.addColumn('password_hash', 'text', (c) => c.notNull())
		.addColumn('is_demo', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('disabled_at', 'timestamptz')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint(
			'users_scope_matches_role',
			sql`(role = 'planner' AND municipality_code IS NOT NULL AND police_district IS NULL)
				OR (role = 'police' AND police_district IS NOT NULL AND municipality_code IS NULL)
				OR (role IN ('ministry', 'admin') AND municipality_code IS NULL AND police_district IS NULL)`
		)
		.addCheckConstraint('users_email_lower', sql`email = lower(email)`)
		.execute();
	await db.schema.createIndex('users_email_key').on('users').column('email').unique().execute();
	await db.schema
		.createIndex('users_municipality_code_idx')
		.on('users')
		.column('municipality_code')
		.execute();
	await db.schema.createIndex('users_police_district_idx').on('users').column('police_district').execute();

	await db.schema
		.createTable('sessions')
		.addColumn('id', 'text', (c) => c.primaryKey())
		.addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id').onDelete('cascade'))
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('client_address', 'text')
		.execute();
	await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute();
	await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute();

	await db.schema
		.createTable('login_throttle')
		.addColumn('key', 'text', (c) => c.primaryKey())
		.addColumn('failures', 'integer', (c) => c.notNull())
		.addColumn('window_started_at', 'timestamptz', (c) => c.notNull())
		.addColumn('locked_until', 'timestamptz')
		.execute();

	await db.schema
		.createTable('audit_log')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('actor_id', 'uuid', (c) => c.references('users.id').onDelete('restrict'))
		.addColumn('actor_label', 'text', (c) => c.notNull())
		.addColumn('action', 'text', (c) => c.notNull())
		.addColumn('object_type', 'text', (c) => c.notNull())
		.addColumn('object_id', 'text', (c) => c.notNull())
		.addColumn('municipality_code', 'smallint')
		.addColumn('before', 'jsonb')
		.addColumn('after', 'jsonb')
		.addColumn('client_address', 'text')
		.execute();
	await db.schema
		.createIndex('audit_log_object_idx')
		.on('audit_log')
		.columns(['object_type', 'object_id', 'id'])
		.execute();
	await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'id']).execute();
	await db.schema
		.createIndex('audit_log_municipality_idx')
		.on('audit_log')
		.columns(['municipality_code', 'id'])
		.execute();

	await sql`
		CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
		END
		$$
	`.execute(db);
	await sql`
		CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
		FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
	`.execute(db);
	await sql`
		CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
		FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('audit_log').execute();
	await sql`DROP FUNCTION audit_log_refuse_change()`.execute(db);
	await db.schema.dropTable('login_throttle').execute();
	await db.schema.dropTable('sessions').execute();
	await db.schema.dropTable('users').execute();
}
