/**
 * The small JSON path dialect a providers file uses to point at values in a reply: `$`, then `.name`, `[0]` or
 * `["any name"]` steps, e.g. `$.person.emails[0].address`. No wildcards or filters: one path, one value.
 */
export type JsonPath = readonly (string | number)[];

export type ParsedPath = { ok: true; path: JsonPath } | { ok: false; message: string };

const STEP = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\])/;

export function parseJsonPath(source: string): ParsedPath {
  if (!source.startsWith('$')) return { ok: false, message: `JSON path "${source}" must start with $` };
  const path: (string | number)[] = [];
  let rest = source.slice(1);
  while (rest !== '') {
    const step = STEP.exec(rest);
    if (!step) return { ok: false, message: `JSON path "${source}" is not readable at "${rest}"` };
    const [whole, name, index, doubleQuoted, singleQuoted] = step;
    if (name !== undefined) path.push(name);
    else if (index !== undefined) path.push(Number(index));
    else path.push((doubleQuoted ?? singleQuoted ?? '').replace(/\\(.)/g, '$1'));
    rest = rest.slice(whole.length);
  }
  return { ok: true, path };
}

/** The value at `path`, or undefined when any step is missing or of the wrong kind. */
export function readJsonPath(value: unknown, path: JsonPath): unknown {
  let current: unknown = value;
  for (const step of path) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[step];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}
