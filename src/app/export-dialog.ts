// The export dialog: pick a picture (PNG 1×/2×) or an animation (GIF/WebM) of a time range, at a size
// for slides, and watch it render with a progress bar and a cancel button. The form's values are
// checked before anything runs, and a bad one is named in the dialog.
import { ExportCancelled } from '../export/animation';
import { run, type AppContext } from './commands';
import { animationName, download, exportAnimation, exportPcap, exportPng, pcapName, pngName, type AnimationFormat, type FrameSource } from './export';
import { titledDialog } from './dom';

const SIZES = ['1280x720', '960x540', '640x360'] as const;

function field<T extends HTMLElement>(form: HTMLElement, tag: string, label: string, init: (el: T) => void): T {
  const wrapper = document.createElement('label');
  wrapper.textContent = `${label} `;
  const el = document.createElement(tag) as T;
  init(el);
  wrapper.appendChild(el);
  form.appendChild(wrapper);
  return el;
}

function options(select: HTMLSelectElement, values: readonly (readonly [string, string])[]): void {
  for (const [value, text] of values) {
    const option = document.createElement('option');
    option.value = value;
    option.textContent = text;
    select.appendChild(option);
  }
}

export interface ExportDialog {
  element: HTMLDialogElement;
}

export function mountExportDialog(ctx: AppContext, source: () => FrameSource | null): ExportDialog {
  const { dialog } = titledDialog('export-dialog', 'export-title', 'Export');
  const form = document.createElement('form');
  form.method = 'dialog';
  form.className = 'export-form';
  dialog.appendChild(form);

  const format = field<HTMLSelectElement>(form, 'select', 'What', (el) => {
    el.name = 'format';
    options(el, [
      ['png1', 'PNG of this moment (1×)'],
      ['png2', 'PNG of this moment (2×)'],
      ['gif', 'Animated GIF of a time range'],
      ['webm', 'WebM video of a time range'],
      ['pcap', 'Packet capture (pcap) of the selected peer, or the whole swarm, over a time range'],
    ]);
  });
  const size = field<HTMLSelectElement>(form, 'select', 'Size', (el) => {
    el.name = 'size';
    options(el, SIZES.map((s) => [s, s.replace('x', ' × ')] as const));
  });
  const number = (name: string, label: string, min: number, step: string) =>
    field<HTMLInputElement>(form, 'input', label, (el) => {
      el.type = 'number';
      el.name = name;
      el.min = String(min);
      el.step = step;
      el.required = true;
    });
  const from = number('from', 'From (s)', 0, 'any');
  const to = number('to', 'To (s)', 0, 'any');
  const fps = number('fps', 'Frames per second', 1, '1');
  const speed = number('speed', 'Simulated seconds per video second', 0.1, 'any');
  const rangeFields = [from, to, fps, speed];

  const progress = document.createElement('progress');
  progress.max = 1;
  progress.value = 0;
  progress.hidden = true;
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  const buttons = document.createElement('div');
  const go = document.createElement('button');
  go.type = 'submit';
  go.textContent = 'Export';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.textContent = 'Close';
  buttons.append(go, cancel);
  form.append(progress, status, buttons);

  let job: { cancel(): void } | null = null;

  const isAnimation = () => format.value === 'gif' || format.value === 'webm';
  const isPcap = () => format.value === 'pcap';
  const refresh = () => {
    for (const input of rangeFields) input.closest('label')!.hidden = !isAnimation() && !(isPcap() && (input === from || input === to));
    size.closest('label')!.hidden = isPcap();
  };
  format.addEventListener('change', refresh);

  cancel.addEventListener('click', () => {
    if (job) job.cancel();
    else run(ctx, 'closeExport');
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const frames = source();
    if (!frames || job) return;
    const [width, height] = size.value.split('x').map(Number) as [number, number];
    status.textContent = '';
    if (isPcap()) {
      const peer = ctx.store.getState().selectedPeer;
      try {
        const blob = exportPcap(ctx, Number(from.value), Number(to.value), peer);
        download(blob, pcapName(ctx, Number(from.value), Number(to.value), peer));
        status.textContent = `Done: ${(blob.size / 1024).toFixed(0)} KiB`;
      } catch (error) {
        status.textContent = error instanceof Error ? error.message : String(error);
      }
      return;
    }
    if (!isAnimation()) {
      exportPng(frames, width, height, format.value === 'png2' ? 2 : 1)
        .then((blob) => download(blob, pngName(ctx)))
        .catch((error: unknown) => (status.textContent = String(error instanceof Error ? error.message : error)));
      return;
    }
    const request = {
      format: format.value as AnimationFormat,
      from: Number(from.value),
      to: Number(to.value),
      fps: Number(fps.value),
      speed: Number(speed.value),
      width,
      height,
    };
    let started;
    try {
      started = exportAnimation(ctx, frames, request, (done, total) => {
        progress.value = done / total;
        status.textContent = `Frame ${done} of ${total}`;
      });
    } catch (error) {
      status.textContent = error instanceof Error ? error.message : String(error);
      return;
    }
    job = started;
    progress.hidden = false;
    go.disabled = true;
    cancel.textContent = 'Cancel';
    started.result
      .then((blob) => {
        download(blob, animationName(ctx, request));
        status.textContent = `Done: ${(blob.size / 1024).toFixed(0)} KiB`;
      })
      .catch((error: unknown) => {
        status.textContent = error instanceof ExportCancelled ? 'Cancelled.' : `The export failed: ${error instanceof Error ? error.message : String(error)}`;
      })
      .finally(() => {
        job = null;
        progress.hidden = true;
        go.disabled = false;
        cancel.textContent = 'Close';
      });
  });

  const open = (): void => {
    const s = ctx.store.getState();
    const now = s.time / 1e6;
    const end = s.endTime === null ? now + 60 : s.endTime / 1e6;
    from.value = now.toFixed(1);
    to.value = Math.min(end, now + 60).toFixed(1);
    fps.value = '15';
    speed.value = String(s.speed);
    status.textContent = '';
    refresh();
    dialog.showModal();
  };
  // The dialog follows the store (the openExport command); closing it by any means tells the store.
  dialog.addEventListener('close', () => {
    // The event comes a task later: if the dialog was opened again meanwhile, it is stale.
    if (dialog.open) return;
    job?.cancel();
    if (ctx.store.getState().exportOpen) run(ctx, 'closeExport');
  });
  ctx.store.subscribe((s, before) => {
    if (s.exportOpen && !before.exportOpen) open();
    if (!s.exportOpen && before.exportOpen && dialog.open) dialog.close();
  });
  return { element: dialog };
}
