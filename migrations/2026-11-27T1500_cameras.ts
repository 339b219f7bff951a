import { sql, type Kysely } from 'kysely';

// The camera register: cameras (position in EPSG:25832, optics, owner, legal basis, status
// history), their stored view geometry and pixel-density bands, and buildings as the obstacle
// layer that cuts views.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('buildings')
		.addColumn('id', 'bigserial', (c) => c.primaryKey())
		.addColumn('source', 'text', (c) => c.notNull())
		.addColumn('source_ref', 'text')
		.addColumn('height_m', 'real')
		.addColumn('is_residential', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`, (c) => c.notNull())
		.execute();
	await sql`CREATE INDEX buildings_geom_idx ON buildings USING gist (geom)`.execute(db);

	await db.schema
		.createTable('cameras')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('municipality_code', 'smallint', (c) =>
			c.notNull().references('municipalities.code').onDelete('restrict')
		)
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('geom', sql`geometry(Point, 25832)`, (c) => c.notNull())
		.addColumn('mount_height_m', 'real', (c) =>
			c.notNull().check(sql`mount_height_m > 0 AND mount_height_m <= 100`)
		)
		.addColumn('azimuth_deg', 'real', (c) => c.notNull().check(sql`azimuth_deg >= 0 AND azimuth_deg < 360`))
		.addColumn('tilt_deg', 'real', (c) => c.notNull().check(sql`tilt_deg >= 0 AND tilt_deg <= 90`))
		.addColumn('hfov_deg', 'real', (c) => c.notNull().check(sql`hfov_deg > 0 AND hfov_deg <= 360`))
		.addColumn('focal_length_mm', 'real')
		.addColumn('sensor_width_mm', 'real')
		.addColumn('resolution_px', 'integer', (c) => c.notNull().check(sql`resolution_px BETWEEN 160 AND 20000`))
		.addColumn('max_range_m', 'real', (c) => c.notNull().check(sql`max_range_m > 0 AND max_range_m <= 2000`))
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('fixed', 'dome', 'ptz')`))
		.addColumn('pan_min_deg', 'real')
		.addColumn('pan_max_deg', 'real')
		.addColumn('owner_type', 'text', (c) =>
			c
				.notNull()
				.check(
					sql`owner_type IN ('municipality', 'police', 'public_authority', 'housing_organisation', 'business', 'private')`
				)
		)
		.addColumn('operator_name', 'text', (c) => c.notNull())
		.addColumn('contact_email', 'text')
		.addColumn('contact_phone', 'text')
		.addColumn('purpose', 'text', (c) => c.notNull())
		.addColumn('legal_basis', 'text', (c) => c.notNull())
		.addColumn('signage', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('retention_days', 'integer', (c) => c.notNull().check(sql`retention_days BETWEEN 0 AND 3650`))
		.addColumn('privacy_masks', sql`geometry(MultiPolygon, 25832)`)
		.addColumn('status', 'text', (c) =>
			c.notNull().check(sql`status IN ('proposed', 'approved', 'active', 'decommissioned')`)
		)
		.addColumn('proposed_on', 'date')
		.addColumn('approved_on', 'date')
		.addColumn('active_from', 'date')
		.addColumn('decommissioned_on', 'date')
		.addColumn('police_registered_on', 'date')
		.addColumn('created_by', 'uuid', (c) => c.references('users.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint(
			'cameras_ptz_pan_range',
			sql`(kind = 'ptz') = (pan_min_deg IS NOT NULL AND pan_max_deg IS NOT NULL)`
		)
		.execute();
	await sql`CREATE INDEX cameras_geom_idx ON cameras USING gist (geom)`.execute(db);
	await db.schema
		.createIndex('cameras_municipality_status_idx')
		.on('cameras')
		.columns(['municipality_code', 'status'])
		.execute();

	// Stored view geometry, recomputed whenever a camera or the buildings around it change.
	await db.schema
		.createTable('camera_views')
		.addColumn('camera_id', 'uuid', (c) => c.primaryKey().references('cameras.id').onDelete('cascade'))
		.addColumn('view', sql`geometry(MultiPolygon, 25832)`)
		.addColumn('blind_zone', sql`geometry(MultiPolygon, 25832)`)
		.addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await sql`CREATE INDEX camera_views_view_idx ON camera_views USING gist (view)`.execute(db);

	await db.schema
		.createTable('camera_view_bands')
		.addColumn('camera_id', 'uuid', (c) => c.notNull().references('cameras.id').onDelete('cascade'))
		.addColumn('level_table', 'text', (c) => c.notNull())
		.addColumn('level_id', 'text', (c) => c.notNull())
		.addColumn('min_ppm', 'real', (c) => c.notNull())
		.addColumn('geom', sql`geometry(MultiPolygon, 25832)`, (c) => c.notNull())
		.addPrimaryKeyConstraint('camera_view_bands_pkey', ['camera_id', 'level_table', 'level_id'])
		.execute();
	await sql`CREATE INDEX camera_view_bands_geom_idx ON camera_view_bands USING gist (geom)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('camera_view_bands').execute();
	await db.schema.dropTable('camera_views').execute();
	await db.schema.dropTable('cameras').execute();
	await db.schema.dropTable('buildings').execute();
}
