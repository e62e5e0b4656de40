import type { Message, ModerationLogEntry } from '@palaver/protocol';
import type { SearchQuery } from '../search/query.js';

/** Suspended accounts, the moderators' audit log, and the search of every conversation. */
export interface ModerationStore {
  /** Marks the user suspended (the first time counts); false when there is no such user. */
  suspend(userId: string, at: string): Promise<boolean>;
  reinstate(userId: string): Promise<boolean>;
  isSuspended(userId: string): Promise<boolean>;
  log(entry: Omit<ModerationLogEntry, 'id'>): Promise<ModerationLogEntry>;
  logEntries(limit: number): Promise<ModerationLogEntry[]>;
  /**
   * Conversation ids, newest activity first, with this participant, about this
   * product, and matching `query` in the full-text index (a message's original
   * or removed text: moderators read what was written; or the conversation's
   * title, subject, names) — each given criterion must hold.
   */
  search(criteria: ModerationCriteria, limit: number): Promise<string[]>;
  /** Messages whose contact details were hidden from the other side, newest first. */
  maskedMessages(limit: number): Promise<Message[]>;
}

export interface ModerationCriteria {
  userId?: string;
  productId?: string;
  query?: SearchQuery;
}

export interface ModerationLogRow {
  id: string;
  at: string;
  moderator_id: string;
  action: ModerationLogEntry['action'];
  target_id: string;
  reason: string | null;
}

export function toLogEntry(row: ModerationLogRow): ModerationLogEntry {
  const entry: ModerationLogEntry = {
    id: row.id,
    at: row.at,
    moderatorId: row.moderator_id,
    action: row.action,
    targetId: row.target_id,
  };
  if (row.reason) entry.reason = row.reason;
  return entry;
}
