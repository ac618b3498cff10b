// A few helpers over binaryen's folded text format (`module.emitText()`), enough to take a function apart into its
// top-level forms and put it back together. binaryen.js has no API to replace an expression inside a function
// body, so the module-state rewrite (module-state.ts) edits the text and parses it again.

/** The index just past the form that opens at `start` (an opening parenthesis), skipping quoted names and strings. */
export function formEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x3b /* ; */ && text.charCodeAt(i + 1) === 0x3b) {
      while (i < text.length && text.charCodeAt(i) !== 0x0a) i++; // a line comment
    } else if (c === 0x28 /* ( */) {
      depth++;
    } else if (c === 0x29 /* ) */) {
      if (--depth === 0) return i + 1;
    }
  }
  throw new Error("unbalanced parentheses in the module's text");
}

/** The forms directly inside the form that spans [start, end), in order, as text. */
export function childForms(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  for (let i = start + 1; i < end - 1; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x28) {
      const e = formEnd(text, i);
      out.push(text.slice(i, e));
      i = e - 1;
    } else if (c === 0x3b && text.charCodeAt(i + 1) === 0x3b) {
      while (i < end && text.charCodeAt(i) !== 0x0a) i++;
    }
  }
  return out;
}

/** A `$name` as binaryen prints it: plain when every character may appear in an identifier, quoted otherwise. */
export function printedName(name: string): string {
  if (/^[0-9A-Za-z!#$%&'*+\-./:<=>?@\\^_`|~]+$/.test(name)) return `$${name}`;
  return `$"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The inverse of printedName, for a name read from the text. */
export function nameFromPrinted(printed: string): string {
  if (!printed.startsWith('$"')) return printed.slice(1);
  return printed.slice(2, -1).replace(/\\([0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e === "n" ? "\n" : e === "t" ? "\t" : e);
}

/** Matches a printed name at the current position: `$plain` or `$"quoted"`. */
export const NAME_PATTERN = String.raw`\$(?:"(?:[^"\\]|\\.)*"|[^\s()"]+)`;
