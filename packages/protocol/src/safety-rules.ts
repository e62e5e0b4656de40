// Block and report's constants, without schemas: the elements import them,
// and a module that builds zod schemas would bring zod into their bundles.

/**
 * What a blocked user is told when they write to, type to or open a
 * conversation with the person who blocked them: that they cannot, not why.
 */
export const CANNOT_WRITE_MESSAGE = 'You cannot write to this person.';

export const REPORT_REASONS = ['spam', 'scam', 'abuse', 'off_platform', 'other'] as const;

/** Longest note a reporter or a moderator may add. */
export const REPORT_NOTE_MAX_LENGTH = 1000;
