/** Parses `WWW-Authenticate` challenges: `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`. */

export interface AuthChallenge {
  scheme: string;
  params: Record<string, string>;
}

export function parseAuthChallenges(header: string | string[] | undefined): AuthChallenge[] {
  if (header === undefined) return [];
  const headers = Array.isArray(header) ? header : [header];
  const challenges: AuthChallenge[] = [];
  for (const value of headers) {
    const tokens = /([A-Za-z][A-Za-z0-9-]*)(?:\s+|$)((?:[A-Za-z0-9_-]+=(?:"(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?\s*)*)/g;
    let match: RegExpExecArray | null;
    while ((match = tokens.exec(value)) !== null) {
      if (match[0] === '') break;
      const params: Record<string, string> = {};
      const paramPattern = /([A-Za-z0-9_-]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
      let param: RegExpExecArray | null;
      while ((param = paramPattern.exec(match[2] ?? '')) !== null) {
        params[(param[1] ?? '').toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : (param[3] ?? '');
      }
      challenges.push({ scheme: (match[1] ?? '').toLowerCase(), params });
    }
  }
  return challenges;
}
