/** A problem with the user's input (file, options) whose message is fit to show as is. */
export class BoundaryImportError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'BoundaryImportError';
	}
}
