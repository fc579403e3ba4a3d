// Small DOM helpers the panels share. Text from a scenario (peer names) only ever goes in through
// textContent, never as markup; and a panel writes to the DOM only what changed, at most once a frame
// (a few times a second while the run plays).
import { timeUi } from '../ui-time';

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

export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}

export function setDisabled(control: HTMLButtonElement | HTMLInputElement, disabled: boolean): void {
  if (control.disabled !== disabled) control.disabled = disabled;
}

export function setValue(control: HTMLInputElement | HTMLSelectElement, value: string): void {
  if (control.value !== value) control.value = value;
}

/** While the run plays, a panel redraws at most this often (ms): a few times a second is plenty to read, and leaves the frames to the scene. */
export const PLAYING_REDRAW_MS = 250;

/**
 * Run `draw` on an animation frame, once however often this is called before then: the store
 * changes many times a frame while playing, and a panel needs to redraw once. While `playing()`
 * the run's progress redraws it at most every PLAYING_REDRAW_MS; otherwise (paused, after a step
 * or a seek), or when the user did something (`urgent`: a click, a scroll, another filter), on the
 * next frame. Its time counts as UI work (ui-time.ts).
 */
export function perFrame(draw: () => void, playing: () => boolean = () => false): (urgent?: boolean) => void {
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = -Infinity;
  const redraw = (): void => {
    frame = 0;
    last = performance.now();
    timeUi(draw);
  };
  const request = (): void => {
    timer = null;
    frame ||= requestAnimationFrame(redraw);
  };
  return (urgent = false) => {
    if (frame) return;
    const wait = urgent || !playing() ? 0 : last + PLAYING_REDRAW_MS - performance.now();
    if (wait > 0) {
      timer ??= setTimeout(request, wait);
      return;
    }
    if (timer !== null) clearTimeout(timer);
    request();
  };
}
