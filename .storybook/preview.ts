import { type Preview, setCustomElementsManifest } from '@storybook/web-components-vite';
import { applyAttributeArgs, publicManifest } from '../stories/controls.js';

// Autodocs pages and the argument tables come from custom-elements.json (`npm run manifest`).
setCustomElementsManifest(publicManifest());

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    layout: 'padded',
    controls: { expanded: true },
  },
  decorators: [
    (story, { args, component, canvasElement }) => {
      const rendered = story();
      // After Storybook has put the story in the canvas: the controls the designer changed, as attributes.
      if (component) requestAnimationFrame(() => applyAttributeArgs(canvasElement, component, args));
      return rendered;
    },
  ],
};

export default preview;
