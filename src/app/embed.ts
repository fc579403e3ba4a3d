// Embed mode (`?embed=1`): the scene with minimal chrome (play, step, the scrubber and a link to the
// full app), for an <iframe> in a slide or a course page. It never takes the page's scroll or focus
// until the viewer clicks into it, and it obeys the embed postMessage API (embed-api.ts) from the
// origins listed in `?origins=` (and its own). Outside embed mode the API still answers our own
// origin, so a page of ours can drive the app the same way.
import { createEmbedApi, type EmbedApi } from './embed-api';
import type { AppContext } from './commands';
import type { UrlProblem } from './url-state';

/** More would be a list nobody checked; each is an exact origin anyway. */
export const MAX_ORIGINS = 20;

export interface EmbedParams {
  embed: boolean;
  /** Exact origins (scheme://host[:port]) allowed to drive the app. */
  origins: string[];
  problems: UrlProblem[];
}

export function parseEmbedParams(search: string): EmbedParams {
  const params = new URLSearchParams(search);
  const problems: UrlProblem[] = [];
  let embed = false;
  const flag = params.get('embed');
  if (flag !== null) {
    if (flag === '1' || flag === 'true') embed = true;
    else if (flag !== '0' && flag !== 'false') problems.push({ param: 'embed', message: `expected 1 or 0, got ${JSON.stringify(flag.slice(0, 20))}` });
  }
  const origins: string[] = [];
  const list = params.get('origins');
  if (list !== null) {
    const entries = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (entries.length > MAX_ORIGINS) problems.push({ param: 'origins', message: `at most ${MAX_ORIGINS} origins, got ${entries.length}` });
    for (const entry of entries.slice(0, MAX_ORIGINS)) {
      let origin: string | null = null;
      try {
        const url = new URL(entry);
        if ((url.protocol === 'https:' || url.protocol === 'http:') && url.origin === entry.replace(/\/$/, '')) origin = url.origin;
      } catch {
        origin = null;
      }
      if (origin === null) {
        problems.push({ param: 'origins', message: `expected origins such as https://example.org (no path), got ${JSON.stringify(entry.slice(0, 60))}` });
      } else if (!origins.includes(origin)) origins.push(origin);
    }
  }
  return { embed, origins, problems };
}

/** The full app at the same moment: this URL without the embed parameters. */
export function fullAppUrl(href: string): string {
  const url = new URL(href);
  url.searchParams.delete('embed');
  url.searchParams.delete('origins');
  return url.toString();
}

/**
 * Embed mode's chrome: the page marked for its styles (no site header, the minimal controls), the
 * link to the full app, and the wheel left to the host page until the viewer clicks in. Before the
 * scene measures the stage, so that the canvas is made at its embedded size and the first frames
 * already look embedded.
 */
export function mountEmbedChrome(ctx: AppContext, params: EmbedParams, stage: HTMLElement, header: HTMLElement): void {
  if (!params.embed) return;
  document.documentElement.dataset.embed = '1';
  const open = document.createElement('a');
  open.id = 'open-full';
  open.textContent = 'Open in swarmscope ↗';
  open.target = '_blank';
  open.rel = 'noopener';
  open.href = fullAppUrl(location.href);
  // Keep the link current as the URL follows the state (the address changes a few times a second
  // at most; the store, every frame while playing).
  let linked = location.href;
  ctx.store.subscribe(() => {
    if (location.href === linked) return;
    linked = location.href;
    open.href = fullAppUrl(linked);
  });
  header.parentElement?.insertBefore(open, header.nextSibling);
  // Until the viewer clicks into the frame, wheel events scroll the host page instead of zooming
  // the scene: stop them before they reach the canvas, without preventing the scroll.
  let active = false;
  const activate = () => {
    active = true;
    document.documentElement.dataset.embedActive = '1';
  };
  document.addEventListener('pointerdown', activate, { once: true, capture: true });
  stage.addEventListener('wheel', (event) => void (active || event.stopPropagation()), { capture: true });
}

/** The embed API, answering from now on, and "ready" to the embedding page (once the scene is up). */
export function startEmbed(ctx: AppContext, params: EmbedParams): EmbedApi {
  const api = createEmbedApi({
    ctx,
    allowedOrigins: params.origins,
    selfOrigin: location.origin,
    log: (text) => console.warn(text),
  });
  window.addEventListener('message', (event: MessageEvent) => {
    const source = event.source as Window | null;
    api.receive(event.data, event.origin, (reply) => source?.postMessage(reply, event.origin));
  });
  // Tell the embedding page we are ready, but only if it is a page we may talk to: a targetOrigin
  // makes the browser drop the message for any other parent.
  if (window.parent !== window) {
    for (const origin of new Set([...params.origins, location.origin])) {
      if (origin === 'null') continue;
      window.parent.postMessage({ context: 'swarmscope', version: 1, event: 'ready', value: null }, origin);
    }
  }
  return api;
}
