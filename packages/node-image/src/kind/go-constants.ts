/**
 * Reads Go string constants from kind's source (its manifests and image
 * names are constants in pkg/build/nodeimage, not files), so the node image
 * uses exactly what the pinned kind version writes, without a copy of kind's
 * code in this repository. Understands `name = "…"`, raw strings in
 * backquotes, and `+` concatenation with constants defined earlier.
 */

export function goStringConstants(source: string, known: Readonly<Record<string, string>> = {}): Record<string, string> {
  const constants: Record<string, string> = { ...known };
  const assignment = /(?:^|\n)[ \t]*(?:const[ \t]+)?([A-Za-z_]\w*)[ \t]*=[ \t]*(?=["`])/g;
  for (let m = assignment.exec(source); m; m = assignment.exec(source)) {
    const parsed = parseExpression(source, assignment.lastIndex, constants);
    if (parsed) {
      constants[m[1]!] = parsed.value;
      assignment.lastIndex = parsed.end;
    }
  }
  return constants;
}

/** Terms joined by `+` (across newlines); undefined when a term is not a string or a known constant. */
function parseExpression(source: string, start: number, constants: Readonly<Record<string, string>>): { value: string; end: number } | undefined {
  let pos = start;
  let value = '';
  for (;;) {
    pos = skipSpace(source, pos);
    const ch = source[pos];
    if (ch === '`') {
      const close = source.indexOf('`', pos + 1);
      if (close < 0) return undefined;
      value += source.slice(pos + 1, close);
      pos = close + 1;
    } else if (ch === '"') {
      const m = /^"(?:[^"\\\n]|\\.)*"/.exec(source.slice(pos));
      if (!m) return undefined;
      value += JSON.parse(m[0]) as string;
      pos += m[0].length;
    } else {
      const m = /^[A-Za-z_]\w*/.exec(source.slice(pos));
      if (!m || constants[m[0]] === undefined) return undefined;
      value += constants[m[0]];
      pos += m[0].length;
    }
    const next = skipSpace(source, pos);
    if (source[next] !== '+') return { value, end: pos };
    pos = next + 1;
  }
}

function skipSpace(source: string, pos: number): number {
  while (pos < source.length && /\s/.test(source[pos]!)) pos++;
  return pos;
}
