// Small DOM helpers the panels share. Text from a scenario (peer names) only ever goes in through
// textContent, never as markup; and a panel writes to the DOM only what changed, at most once a frame.

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

/** Set text only when it differs: writing the same text still costs a relayout. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function setAttr(node: Element, name: string, value: string): void {
  if (node.getAttribute(name) !== value) node.setAttribute(name, value);
}

/**
 * Run `draw` on the next animation frame, once however often this is called before then: the store
 * changes many times a frame while playing, and a panel needs to redraw once.
 */
export function perFrame(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}
