/**
 * @palaver/sdk/testing — an in-memory Palaver backend and transport for
 * Storybook, demos and your own tests. Not for production: nothing persists.
 */
export { type FakeBackendOptions, FakeChatBackend, fakeToken } from './fake-backend.js';
export { type FakeProduct, fakeProductToken } from './fake-products.js';
