import { userInfo } from 'node:os';
import type { SessionUser } from '../auth/session';
import type { AuditActor } from './service';

/** The audit actor of a web request: the signed-in user and the client address. */
export function auditActor(event: {
	locals: { user: SessionUser | null };
	getClientAddress(): string;
}): AuditActor {
	const user = event.locals.user;
	return {
		userId: user?.id ?? null,
		label: user ? user.email : 'anonymous',
		clientAddress: event.getClientAddress()
	};
}

/** The audit actor of a command-line operation: the operating-system user who ran it. */
export function cliActor(): AuditActor {
	let name: string;
	try {
		name = userInfo().username;
	} catch {
		// No passwd entry (some containers): the label still says it came from the CLI.
		name = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
	}
	return { userId: null, label: `cli:${name}`, clientAddress: null };
}
