import { afterAll, beforeEach } from 'vitest';
import { closeTestDb, resetData } from './db';

beforeEach(async () => {
	await resetData();
});

afterAll(async () => {
	await closeTestDb();
});
