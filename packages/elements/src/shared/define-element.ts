/** Registers an element unless a tag of that name exists already (a page may load Palaver twice). */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
