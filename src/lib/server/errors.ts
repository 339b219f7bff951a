/** A request that names something that does not fit (an unknown municipality, a taken e-mail): 4xx. */
export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly status: 400 | 404 | 409 = 400
	) {
		super(message);
		this.name = 'InputError';
	}
}
