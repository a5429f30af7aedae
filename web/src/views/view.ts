import type { Child } from '../dom';

// A page of the dashboard. The router calls refresh() when the view opens
// and after every new bulletin, then render(); render() alone after a
// language switch or a local change (paging, sorting).
export interface View {
  title(): string;
  render(): Child[];
  refresh?(): Promise<void>;
  dispose?(): void;
}

export type Redraw = () => void;
