// Browser tests: the Chromium scripts/find-chromium.mjs finds (or installs),
// TypeScript via esbuild, and real Palaver servers driven through the
// palaver-server plugin.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, findChromium } from './scripts/find-chromium.mjs';
import { palaverServerPlugin } from './test-support/palaver-server-plugin.mjs';

export default {
  files: ['packages/*/test/browser/**/*.test.ts', 'stories/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'], browser: true },
  concurrency: 1,
  testFramework: { config: { timeout: 30000 } },
  testsFinishTimeout: 600000,
  plugins: [
    esbuildPlugin({ ts: true, json: true, tsconfig: './tsconfig.browser.json', target: 'es2022' }),
    palaverServerPlugin(),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: findChromium(),
        headless: true,
        args: CHROMIUM_ARGS,
      },
    }),
  ],
  testRunnerHtml: (testFramework) => `<!DOCTYPE html><html><body>
    <script>window.process = { env: { NODE_ENV: 'development' } };</script>
    <script type="module" src="${testFramework}"></script></body></html>`,
};
