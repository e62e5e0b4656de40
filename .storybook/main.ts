import type { StorybookConfig } from '@storybook/web-components-vite';

/** Every Palaver element in every state, on the SDK's in-memory backend: no server needed. */
const config: StorybookConfig = {
  stories: ['../stories/**/*.stories.ts'],
  framework: { name: '@storybook/web-components-vite', options: {} },
  // Autodocs: a docs page per element, from custom-elements.json (see preview.ts).
  addons: ['@storybook/addon-docs'],
  core: { disableTelemetry: true },
};

export default config;
