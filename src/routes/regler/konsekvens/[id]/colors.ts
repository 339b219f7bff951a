/** Point and legend colours of the three kinds of change (ColorBrewer-like red, green, purple). */
export const IMPACT_COLORS = {
	newlyRefused: '#d7301f',
	newlyAllowed: '#1a9850',
	other: '#7b61a8'
} as const;

export type ChangeDirection = keyof typeof IMPACT_COLORS;
