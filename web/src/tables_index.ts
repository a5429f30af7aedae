// Which tables belong to each voting center. The region API does not list
// them yet (README, "Wanted from the backend"), so for elections of up to
// kMaxTables tables the page reads the manifest's tables.bin once (46 bytes
// a table, immutable and cached) and indexes it. Larger elections use the
// table search instead of downloading tens of megabytes.

import { api } from './api';

export const kMaxTables = 200_000;
const kRecord = 46;

export interface TableRef {
  id: number;
  registered: number;
}

let index: Promise<Map<string, TableRef[]>> | null = null;

export function tablesByCenter(): Promise<Map<string, TableRef[]>> {
  if (!index) {
    index = (async () => {
      const [manifest, bin] = await Promise.all([api.manifest(), api.tablesBin()]);
      const dv = new DataView(bin);
      const out = new Map<string, TableRef[]>();
      for (let off = 0; off + kRecord <= bin.byteLength; off += kRecord) {
        const region = manifest.regions[dv.getUint32(off + 4)];
        if (!region) continue;
        let list = out.get(region.code);
        if (!list) out.set(region.code, (list = []));
        list.push({ id: dv.getUint32(off), registered: dv.getUint32(off + 8) });
      }
      return out;
    })();
    index.catch(() => (index = null));
  }
  return index;
}
