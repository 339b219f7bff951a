export interface Timing {
	n: number;
	median: number;
	p95: number;
	min: number;
	max: number;
}

/** Milliseconds, rounded to 0.01. */
export function summarize(samples: number[]): Timing {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
	const round = (v: number) => Math.round(v * 100) / 100;
	return {
		n: sorted.length,
		median: round(at(0.5)),
		p95: round(at(0.95)),
		min: round(sorted[0]),
		max: round(sorted[sorted.length - 1])
	};
}

export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
	const start = process.hrtime.bigint();
	await fn();
	return Number(process.hrtime.bigint() - start) / 1e6;
}

export function formatTiming(label: string, t: Timing): string {
	return `${label.padEnd(44)} median ${String(t.median).padStart(8)} ms   p95 ${String(t.p95).padStart(8)} ms   (n=${t.n})`;
}
