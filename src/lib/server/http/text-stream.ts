/** A stream that pulls one part at a time, so a slow client slows the batches instead of buffering them. */
export function textStream(parts: AsyncGenerator<string>): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const next = await parts.next();
			if (next.done) controller.close();
			else controller.enqueue(encoder.encode(next.value));
		},
		async cancel() {
			await parts.return(undefined);
		}
	});
}
