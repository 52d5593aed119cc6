/**
 * The Tooling API the product touches: `tooling/query` of PlatformEventChannelMember (the setup tab's health check;
 * members from force-app's change channels, `=` conditions joined by AND honoured). Any other Tooling object is
 * INVALID_TYPE, as an unsupported type is in a real org.
 */
import soqlParser from 'soql-parser-js';
import { SfError } from '../errors';
import { to18 } from '../org/ids';
import { changeEventName } from '../schema/catalog';
import type { Api } from './api';

const { parseQuery } = soqlParser;

interface Condition {
  left?: { field?: string; operator?: string; value?: string };
  operator?: string;
  right?: Condition;
}

export function registerToolingRoutes(api: Api): void {
  const org = api.org;

  api.add('GET', '/tooling/query', 'query', (req) => {
    const q = req.query.q ?? '';
    let parsed: ReturnType<typeof parseQuery>;
    try {
      parsed = parseQuery(q);
    } catch {
      throw new SfError(
        400,
        'MALFORMED_QUERY',
        `\n${q}\n^\nERROR at Row:1:Column:1\nunexpected token: '${q.split(/\s+/)[0] ?? ''}'`,
      );
    }
    const type = parsed.sObject ?? '';
    if (type.toLowerCase() !== 'platformeventchannelmember') {
      throw new SfError(400, 'INVALID_TYPE', `sObject type '${type}' is not supported.`);
    }
    const members = org.catalog.changeChannels().flatMap((c, ci) =>
      c.members.map((entity, mi) => {
        const selected = changeEventName(entity);
        const channel = c.name.replace(/__chn$/, '');
        return {
          Id: to18(`0v8Hs${String(ci * 100 + mi + 1).padStart(10, '0')}`),
          DeveloperName: `${channel}_chn_${selected}`,
          FullName: `${c.name}.${channel}_chn_${selected}`,
          EventChannel: to18(`0YLHs${String(ci + 1).padStart(10, '0')}`),
          SelectedEntity: selected,
          FilterExpression: null,
        } as Record<string, unknown>;
      }),
    );
    const filters = equalities(parsed.where as Condition | undefined);
    const fields = (parsed.fields ?? []).map((f) => (f as { field?: string }).field ?? '').filter(Boolean);
    const records = members
      .filter((m) => filters.every(([k, v]) => String(fieldOf(m, k) ?? '').toLowerCase() === v.toLowerCase()))
      .map((m) => {
        const out: Record<string, unknown> = {
          attributes: {
            type: 'PlatformEventChannelMember',
            url: `/services/data/v${req.version}/tooling/sobjects/PlatformEventChannelMember/${m.Id}`,
          },
        };
        for (const f of fields) {
          const key = Object.keys(m).find((k) => k.toLowerCase() === f.toLowerCase());
          if (!key)
            throw new SfError(400, 'INVALID_FIELD', `No such column '${f}' on entity 'PlatformEventChannelMember'.`);
          out[key] = m[key];
        }
        return out;
      });
    return {
      status: 200,
      body: {
        size: records.length,
        totalSize: records.length,
        done: true,
        queryLocator: null,
        entityTypeName: 'PlatformEventChannelMember',
        records,
      },
    };
  });
}

function fieldOf(row: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? row[key] : undefined;
}

/** `A = 'x' AND B = 'y'` → [[A, x], [B, y]]; anything else is refused rather than silently ignored. */
function equalities(where: Condition | undefined): [string, string][] {
  const out: [string, string][] = [];
  for (let c = where; c; c = c.right) {
    const left = c.left;
    if (
      !left?.field ||
      left.operator !== '=' ||
      typeof left.value !== 'string' ||
      (c.operator && c.operator !== 'AND')
    ) {
      throw new SfError(
        400,
        'EMULATOR_UNSUPPORTED',
        'The emulator answers Tooling queries with `=` conditions joined by AND only.',
      );
    }
    out.push([left.field, left.value.replace(/^'|'$/g, '')]);
  }
  return out;
}
