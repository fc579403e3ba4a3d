// Building dialogs by hand: untrusted text goes in as textContent, never as markup.

/** A new `tag` element with this text, appended to `parent`. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, parent: HTMLElement, text = ''): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (text) element.textContent = text;
  parent.appendChild(element);
  return element;
}

/**
 * A <dialog id=`id`> on the page, labelled by its <h2> title (id `headingId`). With `top`, the title
 * sits in a `.dialog-top` row, for a Close button beside it.
 */
export function titledDialog(
  id: string,
  headingId: string,
  title: string,
  options: { top?: boolean } = {},
): { dialog: HTMLDialogElement; heading: HTMLHeadingElement; top: HTMLDivElement | null } {
  const dialog = el('dialog', document.body);
  dialog.id = id;
  dialog.setAttribute('aria-labelledby', headingId);
  const top = options.top === true ? el('div', dialog) : null;
  if (top !== null) top.className = 'dialog-top';
  const heading = el('h2', top ?? dialog, title);
  heading.id = headingId;
  return { dialog, heading, top };
}
