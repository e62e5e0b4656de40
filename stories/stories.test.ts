/**
 * Runs every story as a test in Chromium: renders it as Storybook would, runs
 * its play function (a failing play fails `npm test`), and checks it with axe.
 */
import { expect } from '@open-wc/testing';
import { render, type TemplateResult } from 'lit';
import * as inbox from './chat-inbox.stories.js';
import * as moderation from './chat-moderation.stories.js';
import * as thread from './chat-thread.stories.js';
import * as attachments from './chat-thread-attachments.stories.js';
import * as contact from './contact-supplier.stories.js';
import { applyAttributeArgs, attributesOf } from './controls.js';
import * as badge from './unread-badge.stories.js';

interface StoryModule {
  default: { title?: string; component?: string; argTypes?: Record<string, { control?: unknown }> };
  [name: string]: unknown;
}
interface Story {
  name?: string;
  render?: (args: Record<string, unknown>) => TemplateResult;
  play?: (context: { canvasElement: HTMLElement; args: Record<string, unknown> }) => Promise<unknown> | unknown;
}

for (const module of [thread, attachments, badge, inbox, contact, moderation] as unknown as StoryModule[]) {
  describe(`stories: ${module.default.title}`, () => {
    it('has a control for every attribute in custom-elements.json', () => {
      const tag = module.default.component as string;
      const attributes = attributesOf(tag).map((attribute) => attribute.name);
      expect(attributes, 'the manifest knows the element').to.not.be.empty;
      const controlled = Object.entries(module.default.argTypes ?? {})
        .filter(([, argType]) => argType.control)
        .map(([name]) => name);
      expect(controlled).to.have.members(attributes);
    });

    for (const [exportName, value] of Object.entries(module)) {
      if (exportName === 'default') continue;
      const story = value as Story;
      it(story.name ?? exportName, async function () {
        this.timeout(30000);
        const canvasElement = document.createElement('div');
        document.body.append(canvasElement);
        try {
          render(story.render?.({}) as TemplateResult, canvasElement);
          await story.play?.({ canvasElement, args: {} });
          // Dialogs and long lists included: every state must pass axe.
          await expect(canvasElement).to.be.accessible();
        } finally {
          render(null, canvasElement);
          canvasElement.remove();
        }
      });
    }
  });
}

describe('story controls', () => {
  it('set the attributes a designer changed, and only those', async () => {
    const canvas = document.createElement('div');
    document.body.append(canvas);
    try {
      render((inbox.Conversations as Story).render?.({}) as TemplateResult, canvas);
      const element = canvas.querySelector('chat-inbox') as HTMLElement;
      applyAttributeArgs(canvas, 'chat-inbox', { 'unread-only': true, 'with-thread': undefined, color: 'red' });
      expect(element.hasAttribute('unread-only')).to.equal(true);
      expect(element.hasAttribute('with-thread')).to.equal(false);
      expect(element.hasAttribute('color'), 'not an attribute of the element').to.equal(false);
      applyAttributeArgs(canvas, 'chat-inbox', { 'unread-only': false });
      expect(element.hasAttribute('unread-only')).to.equal(false);
    } finally {
      render(null, canvas);
      canvas.remove();
    }
  });
});
