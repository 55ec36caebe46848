import { MAX_META_FILE_BYTES, type MetaFile } from './types.js';

export type DecodedText =
  | { ok: true; text: string; /** true when invalid UTF-8 was replaced with U+FFFD */ lossy: boolean }
  | { ok: false; reason: string; /** 1-based line of the fault, when it has one */ line?: number };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientUtf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Turns a tree entry into text the rest of the parser can rely on (R20): UTF-8, no BOM, '\n' line
 * ends. CRLF is real (istio); a lone CR is normalised too so line numbers stay right. Refuses
 * files too large to parse and files holding a NUL character.
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
  const nulLine = lineOfFirstNul(text);
  if (nulLine !== undefined) return { ok: false, reason: NUL_REASON, line: nulLine };
  return { ok: true, text, lossy };
}

// PostgreSQL text cannot hold U+0000, so a NUL that reached the database would fail that
// election's write on every sync. No meta file has a reason to contain one: it comes from a
// binary file, or a text file saved as UTF-16, so the file is refused here as unreadable.
const NUL_REASON = 'contains a NUL character (U+0000); is it a binary file, or saved as UTF-16?';

function lineOfFirstNul(text: string): number | undefined {
  const at = text.indexOf('\0');
  if (at < 0) return undefined;
  return text.slice(0, at).split('\n').length;
}

function tooLarge(): string {
  return `file is larger than ${MAX_META_FILE_BYTES / (1024 * 1024)} MiB`;
}
