import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's baseline parameters: 19 MiB, 2 passes, 1 lane. */
export const ARGON2_PARAMS = {
	algorithm: 2 /* Argon2id */,
	memoryCost: 19_456,
	timeCost: 2,
	parallelism: 1
} as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2_PARAMS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
	try {
		return await verify(passwordHash, password);
	} catch {
		return false;
	}
}

let dummyHash: Promise<string> | null = null;

/** Spends the time of a real verification, so unknown accounts cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<false> {
	dummyHash ??= hashPassword('tryghedskort-dummy-password');
	await verifyPassword(await dummyHash, password);
	return false;
}

/** A generated password: 18 random bytes (144 bits), 24 URL-safe characters. */
export function generatePassword(): string {
	return randomBytes(18).toString('base64url');
}
