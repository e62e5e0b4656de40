/**
 * Storybook controls for every attribute of every element, made from the
 * custom-elements manifest (`npm run manifest`) — the same source the autodocs
 * pages read — so a new attribute gets its control without touching a story.
 */
import type { ArgTypes } from '@storybook/web-components-vite';
import manifest from '../packages/elements/custom-elements.json' with { type: 'json' };

interface ManifestAttribute {
  name: string;
  type?: { text: string };
  description?: string;
  default?: string;
}
interface ManifestDeclaration {
  tagName?: string;
  attributes?: ManifestAttribute[];
  members?: Array<{ name: string; kind: string; privacy?: string; attribute?: string; static?: boolean }>;
}
interface Manifest {
  modules: Array<{ declarations?: ManifestDeclaration[] }>;
}

const declarations = (manifest as Manifest).modules.flatMap((module) => module.declarations ?? []);

/** The attributes the manifest lists for an element. */
export function attributesOf(tag: string): ManifestAttribute[] {
  return declarations.find((declaration) => declaration.tagName === tag)?.attributes ?? [];
}

const controlOf = (attribute: ManifestAttribute) => {
  const type = attribute.type?.text ?? '';
  if (type.includes('boolean')) return 'boolean' as const;
  if (type.includes('number')) return 'number' as const;
  return 'text' as const;
};

/**
 * One control per attribute. No default values are set: a story shows what it
 * was written to show until the designer touches a control.
 */
export function attributeControls(tag: string): ArgTypes {
  return Object.fromEntries(
    attributesOf(tag).map((attribute) => [
      attribute.name,
      {
        name: attribute.name,
        description: attribute.description,
        control: controlOf(attribute),
        table: {
          category: 'attributes',
          type: { summary: attribute.type?.text ?? 'string' },
          ...(attribute.default !== undefined ? { defaultValue: { summary: attribute.default } } : {}),
        },
      },
    ]),
  );
}

/** Sets the attributes a designer changed on every `tag` element in the canvas. */
export function applyAttributeArgs(canvas: ParentNode, tag: string, args: Record<string, unknown>): void {
  const names = new Set(attributesOf(tag).map((attribute) => attribute.name));
  for (const element of canvas.querySelectorAll(tag)) {
    for (const [name, value] of Object.entries(args)) {
      if (!names.has(name) || value === undefined) continue;
      if (value === false || value === null || value === '') element.removeAttribute(name);
      else element.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

/**
 * The manifest as the docs pages should read it: public API only. Members
 * that an attribute already shows, and private or protected ones, are left out
 * (otherwise each attribute would show twice and internals would look like API).
 */
export function publicManifest(): unknown {
  return {
    ...manifest,
    modules: (manifest as Manifest).modules.map((module) => ({
      ...module,
      declarations: module.declarations?.map((declaration) => ({
        ...declaration,
        members: declaration.members?.filter(
          (member) => !member.privacy && !member.static && !member.attribute && member.kind === 'field',
        ),
      })),
    })),
  };
}
