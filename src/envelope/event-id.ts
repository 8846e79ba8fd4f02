/** Event id forms: Relay accepts dashed or undashed UUIDs and writes 32 lowercase hex digits. */

const UUID_HEX = /^[0-9a-f]{32}$/;

/** 32 lowercase hex digits from a dashed/undashed, any-case UUID string; null for anything else. */
export function normalizeEventId(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const id = value.replaceAll('-', '').toLowerCase();
  return UUID_HEX.test(id) ? id : null;
}

/** The dashed form minidump and unreal endpoints answer with (`8-4-4-4-12`). */
export function dashedEventId(id: string): string {
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

/** A fresh random event id (UUID v4, undashed), as Relay mints for endpoints whose body has none. */
export function mintEventId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}
