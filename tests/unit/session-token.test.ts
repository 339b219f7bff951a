import { createHash } from 'node:crypto';
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { generateSessionToken, sessionIdFromToken } from '../../src/lib/server/auth/session';

const SAMPLE = 10_000;
const tokens = Array.from({ length: SAMPLE }, () => generateSessionToken());

describe('generateSessionToken', () => {
	it('is 32 characters of lower-case base32 without padding', () => {
		for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{32}$/);
	});

	it('carries 20 random bytes (160 bits, above the 120-bit minimum)', () => {
		for (const token of tokens.slice(0, 100)) {
			expect(decodeBase32IgnorePadding(token.toUpperCase())).toHaveLength(20);
		}
	});

	it('never repeats over many tokens', () => {
		expect(new Set(tokens).size).toBe(SAMPLE);
	});

	// 160 bits fill all 32 characters exactly, so every position must be uniformly random.
	it('uses the whole alphabet at every position and sets about half of all bits', () => {
		for (let position = 0; position < 32; position++) {
			const counts = new Map<string, number>();
			for (const token of tokens) counts.set(token[position], (counts.get(token[position]) ?? 0) + 1);
			expect(counts.size, `position ${position}`).toBe(32);
			// Expected 312.5 per symbol; 200 is more than six standard deviations below.
			expect(Math.min(...counts.values()), `position ${position}`).toBeGreaterThan(200);
		}
		let ones = 0;
		for (const token of tokens) {
			for (const byte of decodeBase32IgnorePadding(token.toUpperCase())) {
				for (let b = byte; b; b >>= 1) ones += b & 1;
			}
		}
		const share = ones / (SAMPLE * 160);
		expect(share).toBeGreaterThan(0.49);
		expect(share).toBeLessThan(0.51);
	});
});

describe('sessionIdFromToken', () => {
	it('is the lower-case hex SHA-256 of the token', () => {
		for (const token of tokens.slice(0, 50)) {
			const id = sessionIdFromToken(token);
			expect(id).toMatch(/^[0-9a-f]{64}$/);
			expect(id).toBe(createHash('sha256').update(token, 'utf8').digest('hex'));
		}
		expect(sessionIdFromToken('abc')).toBe(
			'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
		);
	});

	it('never equals the token and differs for different tokens', () => {
		const ids = tokens.map(sessionIdFromToken);
		for (let i = 0; i < SAMPLE; i++) expect(ids[i]).not.toBe(tokens[i]);
		expect(new Set(ids).size).toBe(SAMPLE);
	});

	it('is deterministic, so a token always finds its session', () => {
		const token = generateSessionToken();
		expect(sessionIdFromToken(token)).toBe(sessionIdFromToken(token));
	});
});
