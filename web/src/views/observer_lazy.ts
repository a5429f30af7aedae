// The observers' page is loaded on first visit only: its QR reader and
// Ed25519 code would triple the bundle every other page loads.

import { loading } from '../components';
import type { Child } from '../dom';
import { t } from '../i18n';
import type { Redraw, View } from './view';

export class LazyObserverView implements View {
  private inner: View | null = null;
  private disposed = false;

  constructor(private readonly redraw: Redraw) {}

  title(): string {
    return this.inner?.title() ?? t('nav_observer');
  }

  render(): Child[] {
    return this.inner ? this.inner.render() : [loading()];
  }

  async refresh(): Promise<void> {
    if (!this.inner) {
      const { ObserverView } = await import('./observer');
      if (this.disposed) return;
      this.inner = new ObserverView(this.redraw);
    }
    await this.inner.refresh?.();
  }

  dispose(): void {
    this.disposed = true;
    this.inner?.dispose?.();
  }
}
