// Building dialogs by hand: untrusted text goes in as textContent, never as markup.

/** A new `tag` element with this text, appended to `parent`. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, parent: HTMLElement, text = ''): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text) element.textContent = text;
  parent.appendChild(element);
  return element;
}
