// Open data (#/data): every file behind the page and the one command that
// checks them all.

import { copyBlock } from '../components';
import { h, type Child } from '../dom';
import { t } from '../i18n';
import type { View } from './view';

export class DataView implements View {
  title(): string {
    return t('data_title');
  }

  render(): Child[] {
    const origin = location.origin;
    const item = (href: string, label: string, extra?: Child) =>
      h('li', null, h('a', { href }, label), ' ', h('code', null, href), extra ?? null);
    return [
      h('h1', null, t('data_title')),
      h('p', null, t('data_intro')),
      h('section', { class: 'card' },
        h('h2', null, t('data_verify')),
        copyBlock(`acta verify --center ${origin}`, 'verify-command')),
      h('section', { class: 'card' },
        h('ul', { class: 'links' },
          item('/v1/export/tables.csv', t('data_csv')),
          item('/v1/bulletin', t('data_bulletin')),
          item('/checkpoint', t('data_checkpoint')),
          item('/v1/checkpoints', t('data_checkpoints')),
          item('/v1/manifest', t('data_manifest'), h('span', null, ' · ', h('a', { href: '/v1/manifest/manifest.sig' }, 'manifest.sig'), ' · ', h('a', { href: '/v1/manifest/tables.bin' }, 'tables.bin'))),
          h('li', null, t('data_tiles')),
          item('/metrics', t('data_metrics')))),
    ];
  }
}
