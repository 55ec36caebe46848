import { MAX_META_FILE_BYTES, type MetaFile } from './types.js';

export type DecodedText =
  | { ok: true; text: string; /** true when invalid UTF-8 was replaced with U+FFFD */ lossy: boolean }
  | { ok: false; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Turns a tree entry into text the rest of the parser can rely on (R20): UTF-8, no BOM, '\n' line
 * ends. CRLF is real (istio); a lone CR is normalised too so line numbers stay right.
 */
export function decodeMetaFile(file: MetaFile): DecodedText {
  let text: string;
  let lossy = false;
  if (typeof file === 'string') {
    if (file.length > MAX_META_FILE_BYTES) return { ok: false, reason: tooLarge() };
    text = file;
  } else if (file instanceof Uint8Array) {
    if (file.byteLength > MAX_META_FILE_BYTES) return { ok: false, reason: tooLarge() };
    try {
      text = strictUtf8.decode(file);
    } catch {
      text = lenientUtf8.decode(file);
      lossy = true;
    }
  } else {
    return { ok: false, reason: String(file.unreadable) };
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  return { ok: true, text, lossy };
}

function tooLarge(): string {
  return `file is larger than ${MAX_META_FILE_BYTES / (1024 * 1024)} MiB`;
}
