import { describe, expect, it } from 'vitest';
import { adapterBodyLimit, formatBytes } from '../../src/lib/server/http/body-limit';

describe('body limits', () => {
	it('reads BODY_SIZE_LIMIT as adapter-node does, 512K when unset or unreadable', () => {
		expect(adapterBodyLimit(undefined)).toBe(512 * 1024);
		expect(adapterBodyLimit('201M')).toBe(201 * 1024 ** 2);
		expect(adapterBodyLimit(' 64k ')).toBe(64 * 1024);
		expect(adapterBodyLimit('1G')).toBe(1024 ** 3);
		expect(adapterBodyLimit('1000')).toBe(1000);
		expect(adapterBodyLimit('Infinity')).toBe(Number.POSITIVE_INFINITY);
		expect(adapterBodyLimit('lots')).toBe(512 * 1024);
	});

	it('states sizes in MB or KB in the reader’s language', () => {
		expect(formatBytes(200 * 1024 ** 2, 'da')).toBe('200 MB');
		expect(formatBytes(1.5 * 1024 ** 2, 'da')).toBe('1,5 MB');
		expect(formatBytes(1.5 * 1024 ** 2, 'en')).toBe('1.5 MB');
		expect(formatBytes(512 * 1024, 'en')).toBe('512 KB');
	});
});
