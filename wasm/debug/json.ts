// A small JSON writer into a growing block of raw memory (UTF-8), for dumps: the host reads the bytes and frees
// the block. Raw memory rather than string concatenation, so a dump of many threads costs linear time.

import { heapAlloc, heapRealloc, heapFree } from "../memory/heap";
import { DUMP_TEXT } from "../memory/layout";

export class JsonWriter {
  /** The block: {length u32, capacity u32, bytes...}; 0 after running out of memory (the dump is then dropped). */
  block: usize;
  private first: bool = true;

  constructor() {
    this.block = heapAlloc(DUMP_TEXT + 4096);
    if (this.block != 0) { store<u32>(this.block, 0); store<u32>(this.block, 4096, 4); }
  }

  private byte(b: u32): void {
    let block = this.block;
    if (block == 0) return;
    const len = load<u32>(block), cap = load<u32>(block, 4);
    if (len == cap) {
      const grown = heapRealloc(block, DUMP_TEXT + <usize>cap * 2);
      if (grown == 0) { heapFree(block); this.block = 0; return; }
      block = grown;
      store<u32>(block, cap * 2, 4);
      this.block = block;
    }
    store<u8>(block + DUMP_TEXT + len, <u8>b);
    store<u32>(block, len + 1);
  }

  /** Punctuation and keywords, ASCII. */
  raw(s: string): void {
    for (let i = 0; i < s.length; i++) this.byte(<u32>s.charCodeAt(i));
  }

  private comma(): void {
    if (!this.first) this.byte(0x2c);
    this.first = false;
  }

  open(c: string): void { this.raw(c); this.first = true; }
  close(c: string): void { this.raw(c); this.first = false; }

  key(k: string): void {
    this.comma();
    this.quoted(k);
    this.byte(0x3a);
    this.first = true;
  }

  str(s: string): void {
    this.comma();
    this.quoted(s);
  }

  /** A JSON string from UTF-16, escaped, as UTF-8. */
  private quoted(s: string): void {
    this.byte(0x22);
    for (let i = 0; i < s.length; i++) {
      let c = <u32>s.charCodeAt(i);
      if (c == 0x22 || c == 0x5c) { this.byte(0x5c); this.byte(c); }
      else if (c < 0x20) { this.raw("\\u00"); this.byte(hex(c >> 4)); this.byte(hex(c & 15)); }
      else if (c < 0x80) this.byte(c);
      else if (c < 0x800) { this.byte(0xc0 | (c >> 6)); this.byte(0x80 | (c & 63)); }
      else {
        if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
          const d = <u32>s.charCodeAt(i + 1);
          if (d >= 0xdc00 && d < 0xe000) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
            this.byte(0xf0 | (c >> 18)); this.byte(0x80 | ((c >> 12) & 63));
            this.byte(0x80 | ((c >> 6) & 63)); this.byte(0x80 | (c & 63));
            continue;
          }
        }
        this.byte(0xe0 | (c >> 12)); this.byte(0x80 | ((c >> 6) & 63)); this.byte(0x80 | (c & 63));
      }
    }
    this.byte(0x22);
  }

  int(n: i64): void {
    this.comma();
    this.raw(n.toString());
  }

  num(n: f64): void {
    this.comma();
    this.raw(isFinite(n) ? n.toString() : "null");
  }

  bool(b: bool): void {
    this.comma();
    this.raw(b ? "true" : "false");
  }

  nil(): void {
    this.comma();
    this.raw("null");
  }

  /** Starts a nested object or array as a value. */
  begin(c: string): void {
    this.comma();
    this.open(c);
  }
}

function hex(n: u32): u32 {
  return n < 10 ? 0x30 + n : 0x57 + n;
}
