// The playback bar: play/pause, step back, step, next rechoke, speed, the timeline scrubber and the
// clock. Each control calls a command; the bar redraws itself from the store.
import { isEnabled, run, type AppContext, type CommandId } from './commands';
import { formatSpeed, formatTime } from './format';
import { shortcutHint } from './keyboard';
import { setAttr, setDisabled, setHidden, setText, setValue } from './panels/dom';
import { SPEEDS } from './store';

function button(host: HTMLElement, id: string, text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.id = id;
  b.textContent = text;
  b.title = title;
  b.setAttribute('aria-label', title);
  host.appendChild(b);
  return b;
}

/** A finished run's hash, computed once: hashing a long trace takes a while. */
const hashes = new WeakMap<object, string>();

function finalHash(sim: { traceHash(): string }): string {
  let hash = hashes.get(sim);
  if (hash === undefined) {
    hash = sim.traceHash();
    hashes.set(sim, hash);
  }
  return hash;
}

export function mountControls(host: HTMLElement, ctx: AppContext): void {
  const call = (id: CommandId) => () => (run as (c: AppContext, id: CommandId) => boolean)(ctx, id);
  const back = button(host, 'step-back', '◀ step', shortcutHint('stepBack'));
  back.addEventListener('click', call('stepBack'));
  const play = button(host, 'play', 'Play', shortcutHint('togglePlay'));
  play.addEventListener('click', call('togglePlay'));
  const step = button(host, 'step', 'step ▶', shortcutHint('stepForward'));
  step.addEventListener('click', call('stepForward'));
  const rechoke = button(host, 'next-rechoke', 'next rechoke', shortcutHint('nextRechoke'));
  rechoke.addEventListener('click', call('nextRechoke'));

  const speedLabel = document.createElement('label');
  speedLabel.textContent = 'speed ';
  const speed = document.createElement('select');
  speed.id = 'speed';
  for (const value of SPEEDS) {
    const option = document.createElement('option');
    option.value = String(value);
    option.textContent = formatSpeed(value);
    speed.appendChild(option);
  }
  speed.addEventListener('change', () => run(ctx, 'setSpeed', Number(speed.value)));
  speedLabel.appendChild(speed);
  host.appendChild(speedLabel);

  const scrubber = document.createElement('input');
  scrubber.type = 'range';
  scrubber.id = 'scrubber';
  scrubber.min = '0';
  scrubber.step = '1000';
  scrubber.setAttribute('aria-label', 'Simulated time');
  scrubber.addEventListener('input', () => run(ctx, 'seek', Number(scrubber.value)));
  host.appendChild(scrubber);

  const clock = document.createElement('output');
  clock.id = 'clock';
  clock.setAttribute('aria-label', 'Simulated time');
  host.appendChild(clock);

  // When the swarm is too busy for the chosen speed, say how fast it really runs.
  const effective = document.createElement('span');
  effective.id = 'effective-speed';
  effective.hidden = true;
  host.appendChild(effective);

  const hash = document.createElement('span');
  hash.id = 'hash';
  host.appendChild(hash);

  // Every store update comes here (every frame while playing): write only what changed, since each
  // write makes the browser lay the bar out again.
  const refresh = (): void => {
    const s = ctx.store.getState();
    const sim = ctx.session.sim;
    setText(play, s.done ? 'Replay' : s.playing ? 'Pause' : 'Play');
    setDisabled(play, !isEnabled(ctx, 'togglePlay'));
    setDisabled(back, !isEnabled(ctx, 'stepBack'));
    setDisabled(step, !isEnabled(ctx, 'stepForward'));
    setDisabled(rechoke, !isEnabled(ctx, 'nextRechoke'));
    setDisabled(scrubber, sim === null);
    setValue(speed, String(s.speed));
    const end = String(Math.max(s.endTime ?? 0, s.time));
    if (scrubber.max !== end) scrubber.max = end;
    if (document.activeElement !== scrubber) setValue(scrubber, String(s.time));
    setText(clock, formatTime(s.time));
    const lagging = s.playing && s.effectiveSpeed !== null;
    setHidden(effective, !lagging);
    setText(effective, lagging ? `running at ≈${formatSpeed(Number((s.effectiveSpeed ?? 0).toPrecision(2)))}` : '');
    setAttr(effective, 'title', lagging ? 'The simulation cannot keep up with the chosen speed on this computer; it runs as fast as it can without freezing the page.' : '');
    setText(hash, s.done && sim ? `traceHash ${finalHash(sim)}` : '');
  };
  ctx.store.subscribe(refresh);
  refresh();
}
