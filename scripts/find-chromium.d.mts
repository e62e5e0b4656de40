// Types of find-chromium.mjs, for the TypeScript that imports it (e2e, bench).
export declare const CHROMIUM_ARGS: string[];
export declare const NOTHING_TO_INSTALL_WITH: string;
export declare class ChromiumNotFound extends Error {
  name: 'ChromiumNotFound';
}
export declare function findChromium(options?: { install?: boolean; env?: NodeJS.ProcessEnv }): string;
