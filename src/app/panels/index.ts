// The side panels: one entry per panel, in tab order. Each panel mounts into its tabpanel of
// index.html (#panel-<id>) and keeps itself up to date from the store; the tabs switch between them.
import type { AppContext } from '../commands';
import type { PanelId } from '../store';
import { mountCharts } from './charts';
import { mountEvidence } from './evidence';
import { mountInspector } from './inspector';
import { mountLog } from './log';
import { mountTabs, panelElement } from './tabs';
import './panels.css';

interface PanelEntry {
  id: PanelId;
  /** The tab's text. */
  label: string;
  mount(host: HTMLElement, ctx: AppContext): void;
}

const panels: readonly PanelEntry[] = [
  { id: 'inspector', label: 'Inspector', mount: mountInspector },
  { id: 'log', label: 'Log', mount: mountLog },
  { id: 'charts', label: 'Charts', mount: mountCharts },
  { id: 'evidence', label: 'Evidence', mount: mountEvidence },
];

/** Mount every panel and the tabs that switch between them. */
export function mountPanels(ctx: AppContext): void {
  for (const panel of panels) panel.mount(panelElement(panel.id), ctx);
  const tablist = document.getElementById('panel-tabs');
  if (!tablist) throw new Error('index.html has no #panel-tabs');
  mountTabs(tablist, panels, ctx);
}
