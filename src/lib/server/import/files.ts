// Imports from a file on disk (the CLI and the benchmarks), streamed rather than read whole.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Opens `path` and hands its bytes to `run` as a stream, with the file's name for the audit and the
 * report; the file is closed when `run` settles. A missing or unreadable file is a plain error.
 */
export async function withImportFile<T>(
	path: string,
	run: (stream: Readable, name: string) => Promise<T>
): Promise<T> {
	let file: FileHandle;
	try {
		file = await open(path, 'r');
	} catch (e) {
		const code = (e as NodeJS.ErrnoException).code;
		const why = code === 'ENOENT' ? 'no such file' : (e as Error).message;
		throw new Error(`Cannot read ${path}: ${why}.`);
	}
	try {
		return await run(file.createReadStream({ highWaterMark: 256 * 1024, autoClose: false }), basename(path));
	} finally {
		await file.close();
	}
}
