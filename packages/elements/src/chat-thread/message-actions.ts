import { characterCount, isNotBlank } from '@palaver/protocol';
import type { ChatClient, ChatMessage } from '@palaver/sdk';
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface MessageActionsHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** The thread's messages (to find the one an edit was about). */
  readonly messages: ChatMessage[];
  /** Longest message accepted. */
  readonly maxLength: number;
}

/** What the menu, the editor and the buttons of a message do (`message-view.ts` calls them). */
export interface MessageActions {
  /** The message whose menu is open, and whether its delete awaits confirmation. */
  readonly menu: { clientId: string; confirming: boolean } | undefined;
  /** The message being edited, and its text so far. */
  readonly editing: { id: string; body: string } | undefined;
  toggleMenu(message: ChatMessage): void;
  menuKeydown(event: KeyboardEvent): void;
  /** A long-press (touch) or right-click on one's own bubble opens its menu. */
  bubbleContextMenu(event: Event, message: ChatMessage): void;
  /** A tap on one's own bubble opens its menu where there is no hover (touch screens). */
  bubbleClick(event: Event, message: ChatMessage): void;
  edit(message: ChatMessage): void;
  editInput(message: ChatMessage, body: string): void;
  editKeydown(event: KeyboardEvent): void;
  saveEdit(): void;
  cancelEdit(): void;
  askDelete(message: ChatMessage): void;
  confirmDelete(message: ChatMessage): void;
  cancelDelete(): void;
  retry(message: ChatMessage): void;
  discard(message: ChatMessage): void;
  /** Report… on someone else's message: the menu closes and the report form opens. */
  report(message: ChatMessage): void;
  /** Adds (`present`) or takes back the user's emoji on a message; an open menu closes. */
  react(message: ChatMessage, emoji: string, present: boolean): void;
}

const TRIGGER = '.more-button';
const ITEMS = '.menu button';

/**
 * A message's actions, as a product shows them: one "⋯" button per own message
 * (seen on hover or focus; always, and 44 px, on touch screens) opening a
 * small menu — the WAI-ARIA menu button pattern: arrows move, Escape closes,
 * focus goes back to the button. Delete asks first. Editing happens in place;
 * however it ends, focus returns to the message's button, never to <body>.
 */
export class MessageActionsController implements ReactiveController, MessageActions {
  menu: { clientId: string; confirming: boolean } | undefined;
  editing: { id: string; body: string } | undefined;

  constructor(
    private readonly host: MessageActionsHost,
    private readonly client: () => ChatClient | undefined,
    private readonly onReport: (message: ChatMessage) => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('pointerdown', this.onOutsidePointer, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onOutsidePointer, true);
  }

  /** A press anywhere but in the open menu closes it (as native menus do). */
  private readonly onOutsidePointer = (event: Event): void => {
    if (!this.menu) return;
    const menu = this.query(this.menu.clientId, '.more');
    if (!menu || !event.composedPath().includes(menu)) this.closeMenu(false);
  };

  // --- the menu ---------------------------------------------------------------

  toggleMenu(message: ChatMessage): void {
    if (this.menu?.clientId === message.clientId) {
      this.closeMenu(true);
      return;
    }
    this.openMenu(message);
  }

  private openMenu(message: ChatMessage): void {
    this.menu = { clientId: message.clientId, confirming: false };
    this.host.requestUpdate();
    void this.focusAfterUpdate(message.clientId, ITEMS);
  }

  private closeMenu(refocus: boolean): void {
    const clientId = this.menu?.clientId;
    this.menu = undefined;
    this.host.requestUpdate();
    if (refocus && clientId) void this.focusAfterUpdate(clientId, TRIGGER);
  }

  menuKeydown = (event: KeyboardEvent): void => {
    const menu = this.menu;
    if (!menu) return;
    const items = [...(this.query(menu.clientId, '.menu')?.querySelectorAll<HTMLElement>('button') ?? [])];
    const at = items.indexOf(event.composedPath()[0] as HTMLElement);
    const move = (to: number) => items[(to + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        move(at + 1);
        break;
      case 'ArrowUp':
        move(at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(-1);
        break;
      case 'Escape':
        // Inside <contact-supplier>'s dialog, Escape closes the menu, not the dialog.
        event.stopPropagation();
        this.closeMenu(true);
        break;
      case 'Tab':
        // Tab leaves a menu for the next thing on the page, as in a native menu; in the
        // delete question it moves between Delete and Cancel, and closes it only on leaving.
        if (!menu.confirming || at === (event.shiftKey ? 0 : items.length - 1)) this.closeMenu(false);
        return;
      default:
        return;
    }
    event.preventDefault();
  };

  bubbleContextMenu = (event: Event, message: ChatMessage): void => {
    event.preventDefault();
    this.openMenu(message);
  };

  bubbleClick = (event: Event, message: ChatMessage): void => {
    // A link in the bubble is followed; a mouse (with hover) has the button.
    const onLink = event.composedPath().some((node) => node instanceof HTMLAnchorElement);
    if (onLink || !matchMedia('(hover: none)').matches) return;
    this.toggleMenu(message);
  };

  // --- editing ----------------------------------------------------------------

  edit = (message: ChatMessage): void => {
    this.menu = undefined;
    this.editing = { id: message.id, body: message.body };
    this.host.requestUpdate();
    void this.focusAfterUpdate(message.clientId, '.edit textarea');
  };

  editInput = (_message: ChatMessage, body: string): void => {
    if (this.editing) this.editing = { ...this.editing, body };
    this.host.requestUpdate();
  };

  editKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      event.preventDefault();
      // Inside <contact-supplier>'s dialog, Escape ends the edit, not the dialog.
      event.stopPropagation();
      this.endEdit();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      this.saveEdit();
    }
  };

  saveEdit = (): void => {
    const editing = this.editing;
    const client = this.client();
    if (!editing || !client) return;
    const body = editing.body.trim();
    if (!isNotBlank(body) || characterCount(body) > this.host.maxLength) return;
    this.endEdit();
    // Safe to drop: a failed edit becomes a notice (`$notices`), which the thread shows.
    void client.edit(editing.id, body).catch(() => undefined);
  };

  cancelEdit = (): void => this.endEdit();

  /** Closes the editor; focus goes back to the message's actions button. */
  private endEdit(): void {
    const id = this.editing?.id;
    this.editing = undefined;
    this.host.requestUpdate();
    const message = this.host.messages.find((m) => m.id === id);
    if (message) void this.focusAfterUpdate(message.clientId, TRIGGER);
  }

  // --- deleting ---------------------------------------------------------------

  askDelete = (message: ChatMessage): void => {
    this.menu = { clientId: message.clientId, confirming: true };
    this.host.requestUpdate();
    // On "Cancel": Enter pressed once more must not destroy anything.
    void this.focusAfterUpdate(message.clientId, '.menu .cancel');
  };

  confirmDelete = (message: ChatMessage): void => {
    this.closeMenu(false);
    // Safe to drop: a failed delete becomes a notice (`$notices`), which the thread shows.
    void this.client()
      ?.delete(message.id)
      .catch(() => undefined);
    // The message stays (as a tombstone): focus stays on it rather than falling to <body>.
    void this.focusAfterUpdate(message.clientId, '');
  };

  cancelDelete = (): void => this.closeMenu(true);

  retry = (message: ChatMessage): void => void this.client()?.retry(message.clientId);
  discard = (message: ChatMessage): void => void this.client()?.discard(message.clientId);

  react = (message: ChatMessage, emoji: string, present: boolean): void => {
    const fromMenu = this.menu?.clientId === message.clientId;
    if (fromMenu) this.closeMenu(true);
    const client = this.client();
    // Safe to drop: the SDK shows it at once, keeps it until sent, and makes a refusal a notice.
    void (present ? client?.react(message.id, emoji) : client?.unreact(message.id, emoji))?.catch(() => undefined);
  };

  report = (message: ChatMessage): void => {
    this.menu = undefined;
    this.onReport(message);
  };

  // --- focus ------------------------------------------------------------------

  private query(clientId: string, selector: string): HTMLElement | null {
    const message = `[data-key="${CSS.escape(clientId)}"]`;
    return this.host.renderRoot.querySelector<HTMLElement>(selector ? `${message} ${selector}` : message);
  }

  /** Focuses `selector` inside the message once rendered (the message itself for ''). */
  private async focusAfterUpdate(clientId: string, selector: string): Promise<void> {
    await this.host.updateComplete;
    this.query(clientId, selector)?.focus({ preventScroll: selector === '' });
  }
}
