// The narration on screen: the current step's title and text as a caption in a strip under the
// scene (beside it, not over it: the scene stays whole and clickable), and the tour bar (previous,
// "3 / 8", next) at its end; the strip is hidden when the scenario has no narration. Narration text comes from the scenario file, which is untrusted: textContent only.
// Also the presenter-mode switch, which sets :root[data-presenter] for the big-type styles.
import { isEnabled, run, type AppContext } from './commands';
import { shortcutHint } from './keyboard';
import { setAttr, setDisabled, setHidden, setText } from './panels/dom';
import { tourOf } from './tour';
import './narration.css';

function make<K extends keyof HTMLElementTagNameMap>(tag: K, id: string, parent: HTMLElement): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  element.id = id;
  parent.appendChild(element);
  return element;
}

function tourButton(parent: HTMLElement, id: string, text: string, title: string, onClick: () => void): HTMLButtonElement {
  const button = make('button', id, parent);
  button.type = 'button';
  button.textContent = text;
  button.title = title;
  button.setAttribute('aria-label', title);
  button.addEventListener('click', onClick);
  return button;
}

/** Mount the caption strip just before `below` (the playback bar), and the presenter switch into the header. */
export function mountNarrationView(below: HTMLElement, headerTools: HTMLElement, ctx: AppContext): void {
  const box = document.createElement('div');
  box.id = 'narration';
  below.before(box);
  const caption = make('section', 'caption', box);
  caption.setAttribute('aria-label', 'Narration');
  // Polite: a new step is read out once the screen reader is idle, without interrupting.
  caption.setAttribute('aria-live', 'polite');
  const title = make('h2', 'caption-title', caption);
  const text = make('p', 'caption-text', caption);

  const bar = make('nav', 'tour', box);
  bar.setAttribute('aria-label', 'Guided tour');
  const previous = tourButton(bar, 'tour-previous', '◀ previous', shortcutHint('previousStep'), () => void run(ctx, 'previousStep'));
  const counter = make('span', 'tour-counter', bar);
  const next = tourButton(bar, 'tour-next', 'next ▶', shortcutHint('nextStep'), () => void run(ctx, 'nextStep'));

  const presenter = make('button', 'presenter-toggle', headerTools);
  presenter.type = 'button';
  presenter.title = shortcutHint('togglePresenter');
  presenter.addEventListener('click', () => void run(ctx, 'togglePresenter'));

  // Runs on every store update (every frame while playing): only what changed is written.
  const refresh = (): void => {
    const s = ctx.store.getState();
    const tour = tourOf(ctx.session);
    const step = s.narrationStep === null ? undefined : tour?.steps[s.narrationStep];
    setHidden(box, tour === null);
    setHidden(caption, step === undefined);
    setText(title, step?.title ?? '');
    setHidden(title, !step?.title);
    setText(text, step?.text ?? '');
    if (tour !== null) {
      const rank = s.narrationStep === null ? 0 : tour.rank(s.narrationStep);
      setText(counter, `${rank} / ${tour.steps.length}`);
      setAttr(counter, 'aria-label', `Step ${rank} of ${tour.steps.length}`);
      setDisabled(previous, !isEnabled(ctx, 'previousStep'));
      setDisabled(next, !isEnabled(ctx, 'nextStep'));
    }
    const root = document.documentElement;
    if (s.presenter !== ('presenter' in root.dataset)) {
      if (s.presenter) root.dataset.presenter = '';
      else delete root.dataset.presenter;
    }
    setText(presenter, s.presenter ? '▣ presenting' : '▢ present');
    setAttr(presenter, 'aria-pressed', String(s.presenter));
  };
  ctx.store.subscribe(refresh);
  refresh();
}
