import { shallowRef, type ShallowRef } from 'vue';
import { uploadPhoto } from '../api/attachments.js';
import { sendFieldReport, type IntakeOutcome } from '../api/field.js';
import { indexedDbStorage } from './outbox-idb.js';
import { MemoryStorage, Outbox, type OutboxItem, type OutboxStorage } from './outbox.js';

export interface PhoneOutbox {
  outbox: Outbox;
  items: ShallowRef<readonly OutboxItem[]>;
  /** The reports that arrived while this screen was open, newest first. */
  delivered: ShallowRef<{ key: string; title: string; outcome: IntakeOutcome }[]>;
}

let current: { account: string; box: PhoneOutbox; off: () => void } | undefined;

/**
 * The phone's one outbox for the signed-in worker, sending on its own: at app start, when the
 * signal comes back (`online`), and on its backoff timer. Kept across tab switches, so a
 * report keeps going while the worker looks at tasks.
 */
export function usePhoneOutbox(account: string): PhoneOutbox {
  if (current?.account === account) return current.box;
  current?.off();
  const items = shallowRef<readonly OutboxItem[]>([]);
  const delivered = shallowRef<PhoneOutbox['delivered']['value']>([]);
  const outbox = new Outbox({
    storage: storageFor(account),
    sender: {
      upload: async (photo) => (await uploadPhoto(photo)).id,
      send: sendFieldReport,
    },
    onChange: (list) => (items.value = [...list]),
    onDelivered: (item, outcome) =>
      (delivered.value = [
        { key: item.key, title: item.report.title, outcome },
        ...delivered.value,
      ].slice(0, 20)),
  });
  const online = () => void outbox.flush(true).catch(() => undefined);
  window.addEventListener('online', online);
  void outbox.flush(true).catch(() => undefined);
  const box = { outbox, items, delivered };
  current = {
    account,
    box,
    off: () => {
      window.removeEventListener('online', online);
      outbox.stop();
    },
  };
  return box;
}

/** Signing out stops the sending: the next worker's phone is not this one's outbox. */
export function closePhoneOutbox(): void {
  current?.off();
  current = undefined;
}

function storageFor(account: string): OutboxStorage {
  // A browser without IndexedDB (some private windows) still sends, it just cannot keep.
  return typeof indexedDB === 'undefined' ? new MemoryStorage() : indexedDbStorage(account);
}
