// Sharing what is on screen: the page's URL follows the state (so a bookmark or a copied address
// reproduces it), "Copy link" and "Copy embed code" put it on the clipboard, and the parameters of
// the URL the page was opened with are applied at start, with any bad one reported in the page.
import type { AppContext } from './commands';
import { timeUi } from './ui-time';
import { applyUrlState, describeProblem, parseUrlState, screenOf, serialiseUrlState, type UrlProblem } from './url-state';

/** How often the address bar follows the state while it changes (playback changes the time every frame). */
const URL_UPDATE_MS = 400;
/** The embed's size: 16:9, wide enough for the panels beside the scene, small enough for a slide. */
export const EMBED_WIDTH = 960;
export const EMBED_HEIGHT = 540;
/** How long the "Copied" note stays. */
const TOAST_MS = 4000;

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The <iframe> snippet for a page; the scenario name comes from a file, so it is escaped. */
export function embedCode(url: string, scenarioName: string | null): string {
  const title = scenarioName ? `swarmscope: ${scenarioName}` : 'swarmscope';
  return (
    `<iframe src="${escapeAttribute(url)}" title="${escapeAttribute(title)}" width="${EMBED_WIDTH}" height="${EMBED_HEIGHT}"` +
    ` style="border: 0; max-width: 100%;" allow="fullscreen" loading="lazy"></iframe>`
  );
}

/** The address of this page showing the current state, and a warning if the scenario could not go in. */
export function currentLink(ctx: AppContext): { url: string; warning: string | null } {
  const { params, warning } = serialiseUrlState(screenOf(ctx, new URLSearchParams(location.search)));
  const query = params.toString();
  return { url: `${location.origin === 'null' ? location.protocol + '//' : location.origin}${location.pathname}${query ? `?${query}` : ''}`, warning };
}

/** The box under the header that lists what was wrong with the URL; it stays until dismissed. */
function showProblems(host: HTMLElement, problems: readonly UrlProblem[]): void {
  host.replaceChildren();
  host.hidden = problems.length === 0;
  if (problems.length === 0) return;
  const list = document.createElement('ul');
  for (const problem of problems) {
    const item = document.createElement('li');
    item.dataset.param = problem.param;
    item.textContent = describeProblem(problem);
    list.appendChild(item);
  }
  const dismiss = document.createElement('button');
  dismiss.type = 'button';
  dismiss.textContent = 'Dismiss';
  dismiss.addEventListener('click', () => showProblems(host, []));
  host.append(list, dismiss);
}

/**
 * Apply the URL the page was opened with (after the default scenario has loaded), report what was
 * wrong with it in `noticeHost`, then keep the address bar in step with the state.
 */
export function startUrlState(ctx: AppContext, noticeHost: HTMLElement, otherProblems: readonly UrlProblem[] = []): void {
  const { state, problems } = parseUrlState(location.search);
  problems.push(...otherProblems);
  problems.push(...applyUrlState(ctx, state));
  showProblems(noticeHost, problems);

  let timer: ReturnType<typeof setTimeout> | null = null;
  const write = (): void =>
    timeUi(() => {
      timer = null;
      const { url } = currentLink(ctx);
      if (url === location.href) return;
      // While playing, only the time moves from one update to the next. Chromium's replaceState takes
      // several ms (10 with a scenario inside the link), a long frame every 400 ms: the time is written
      // when playback stops (the store changes then), anything else at once.
      if (ctx.store.getState().playing && withoutTime(url) === withoutTime(location.href)) return;
      try {
        history.replaceState(history.state, '', url);
      } catch {
        // Some file:// setups refuse it; the buttons still give the link.
      }
    });
  ctx.store.subscribe(() => {
    timer ??= setTimeout(write, URL_UPDATE_MS);
  });
  write();
}

function withoutTime(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('t');
  return url.search;
}

function toast(text: string, copyable: string | null = null): void {
  document.getElementById('toast')?.remove();
  const box = document.createElement('div');
  box.id = 'toast';
  box.setAttribute('role', 'status');
  const message = document.createElement('p');
  message.textContent = text;
  box.appendChild(message);
  if (copyable !== null) {
    // The clipboard was refused (an old browser, a locked-down page): let the user copy by hand.
    const field = document.createElement('textarea');
    field.readOnly = true;
    field.value = copyable;
    field.setAttribute('aria-label', 'Text to copy');
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    close.addEventListener('click', () => box.remove());
    box.append(field, close);
    document.body.appendChild(box);
    field.focus();
    field.select();
    return;
  }
  document.body.appendChild(box);
  setTimeout(() => box.remove(), TOAST_MS);
}

async function copy(text: string, what: string, warning: string | null): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    toast(warning ? `${what} copied. ${warning}` : `${what} copied.`);
  } catch {
    toast(`Copy the ${what.toLowerCase()} from here (Ctrl+C or ⌘C):`, text);
  }
}

export function mountShareButtons(host: HTMLElement, ctx: AppContext): void {
  const link = document.createElement('button');
  link.type = 'button';
  link.id = 'copy-link';
  link.textContent = 'Copy link';
  link.title = 'Copy a link to exactly this moment: scenario, seed, time, peer and view';
  link.addEventListener('click', () => {
    const { url, warning } = currentLink(ctx);
    void copy(url, 'Link', warning);
  });
  const embed = document.createElement('button');
  embed.type = 'button';
  embed.id = 'copy-embed';
  embed.textContent = 'Embed';
  embed.title = `Copy an <iframe> (${EMBED_WIDTH}×${EMBED_HEIGHT}) that shows this moment in another page`;
  embed.addEventListener('click', () => {
    const { url, warning } = currentLink(ctx);
    // The snippet opens in embed mode: minimal chrome, no scroll or focus taken until clicked.
    const framed = new URL(url);
    framed.searchParams.set('embed', '1');
    void copy(embedCode(framed.toString(), ctx.store.getState().scenario?.name ?? null), 'Embed code', warning);
  });
  host.append(link, embed);
}
