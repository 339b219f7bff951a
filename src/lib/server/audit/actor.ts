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
