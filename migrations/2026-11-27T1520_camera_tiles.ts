import { sql, type Kysely } from 'kysely';

// Camera tiles: a 'cameras' dataset row whose version moves with every change to the register's
// cameras, views or density bands, so tile ETags follow the data; and a partial index for the
// public layers, which only ever show active cameras of non-private owners.
export async function up(db: Kysely<any>): Promise<void> {
	await sql`
		INSERT INTO datasets (name, source, is_demo) VALUES ('cameras', 'register', false)
		ON CONFLICT (name) DO NOTHING
	`.execute(db);

	// Statement-level, so a bulk insert bumps once per statement rather than once per row; and at
	// most once per transaction (a transaction-local setting remembers it), because the version is
	// only seen after commit anyway. The upsert re-creates the row if the table was emptied.
	await sql`
		CREATE FUNCTION tk_bump_cameras_dataset() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF coalesce(current_setting('tryghedskort.cameras_dataset_bumped', true), '') = '' THEN
				INSERT INTO datasets (name, source, is_demo) VALUES ('cameras', 'register', false)
				ON CONFLICT (name) DO UPDATE SET version = datasets.version + 1, updated_at = now();
				PERFORM set_config('tryghedskort.cameras_dataset_bumped', 'yes', true);
			END IF;
			RETURN NULL;
		END
		$$
	`.execute(db);
	for (const table of ['cameras', 'camera_views', 'camera_view_bands']) {
		await sql`
			CREATE TRIGGER ${sql.raw(`${table}_bump_dataset`)}
			AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${sql.table(table)}
			FOR EACH STATEMENT EXECUTE FUNCTION tk_bump_cameras_dataset()
		`.execute(db);
	}

	await sql`
		CREATE INDEX cameras_public_geom_idx ON cameras USING gist (geom)
		WHERE status = 'active' AND owner_type <> 'private'
	`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`DROP INDEX cameras_public_geom_idx`.execute(db);
	for (const table of ['cameras', 'camera_views', 'camera_view_bands']) {
		await sql`DROP TRIGGER ${sql.raw(`${table}_bump_dataset`)} ON ${sql.table(table)}`.execute(db);
	}
	await sql`DROP FUNCTION tk_bump_cameras_dataset()`.execute(db);
	await sql`DELETE FROM datasets WHERE name = 'cameras'`.execute(db);
}
