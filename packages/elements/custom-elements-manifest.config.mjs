// Config for `cem analyze`: the custom-elements manifest (custom-elements.json)
// that IDEs, Storybook and docs read, built from the elements' JSDoc.

/**
 * Reactive state declared in `static properties` (`{ state: true }`, used instead of
 * decorators in the elements of every page) is read by the analyzer as attributes;
 * a private or protected field is never one, so it is left out of the public API.
 */
const noInternalAttributes = {
  name: 'no-internal-attributes',
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules ?? []) {
      for (const declaration of module.declarations ?? []) {
        if (!declaration.attributes) continue;
        const internal = new Set(
          (declaration.members ?? [])
            .filter((member) => member.privacy === 'private' || member.privacy === 'protected')
            .map((member) => member.name),
        );
        declaration.attributes = declaration.attributes.filter((attribute) => !internal.has(attribute.fieldName));
      }
    }
  },
};

/**
 * Attributes declared in JSDoc (`@attr`: the elements written without Lit, and the
 * product attributes declared once in product-attributes.ts) name no field; each
 * is reflected by the property of the same name in camelCase.
 */
const attributeFields = {
  name: 'attribute-fields',
  packageLinkPhase({ customElementsManifest }) {
    for (const module of customElementsManifest.modules ?? []) {
      for (const declaration of module.declarations ?? []) {
        for (const attribute of declaration.attributes ?? []) {
          attribute.fieldName ??= attribute.name.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());
        }
      }
    }
  },
};

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/**/define.ts'],
  outdir: '.',
  litelement: true,
  plugins: [noInternalAttributes, attributeFields],
};
