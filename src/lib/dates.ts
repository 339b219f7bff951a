// Calendar dates as the register keeps them: 'YYYY-MM-DD', in Denmark's time zone.

/** Today's date in Denmark, YYYY-MM-DD. */
export function danishToday(now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen' }).format(now);
}

/** Whether `s` (already shaped YYYY-MM-DD) names a day that exists: no 30 February. */
export function isRealDate(s: string): boolean {
	const d = new Date(`${s}T00:00:00Z`);
	return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}
