import { unsafeCSS } from 'lit';
import { tokensCss } from './tokens.css.js';

/** The design tokens (tokens.css.ts) for Lit elements' `static styles`. */
export const tokens = unsafeCSS(tokensCss);
