export { EntryStore } from './store/entry-store.js';
export type { EntryStoreOptions, EntryStoreStats } from './store/entry-store.js';
export type { PacketRecord } from './store/record-codec.js';
export { parseSize } from './size-units.js';
