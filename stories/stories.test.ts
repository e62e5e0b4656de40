/**
 * Runs every story as a test in Chromium: renders it as Storybook would, runs
 * its play function (a failing play fails `npm test`), and checks it with axe.
 */
import { expect } from '@open-wc/testing';
import { render, type TemplateResult } from 'lit';
import * as inbox from './chat-inbox.stories.js';
import * as thread from './chat-thread.stories.js';
import * as contact from './contact-supplier.stories.js';
import * as badge from './unread-badge.stories.js';

interface StoryModule {
  default: { title?: string };
  [name: string]: unknown;
}
interface Story {
  name?: string;
  render?: (args: Record<string, unknown>) => TemplateResult;
  play?: (context: { canvasElement: HTMLElement; args: Record<string, unknown> }) => Promise<unknown> | unknown;
}

for (const module of [thread, badge, inbox, contact] as unknown as StoryModule[]) {
  describe(`stories: ${module.default.title}`, () => {
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
