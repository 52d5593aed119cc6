/** File bytes: `GET /sobjects/ContentVersion/<id>/VersionData` downloads what the upload stored. */
import { SfError } from '../errors';
import { versionBytes } from '../org/content-rules';
import type { Api } from './api';
import { idOf, liveRow, objectOr404 } from './records';

export function registerContentRoutes(api: Api): void {
  api.add('GET', '/sobjects/:type/:id/VersionData', 'sobject', (_req, [type, seg]) => {
    const obj = objectOr404(api.org, type!);
    if (obj.name !== 'ContentVersion') throw new SfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const row = liveRow(api.org, obj, idOf(obj, seg!));
    return { status: 200, body: versionBytes(row) ?? Buffer.alloc(0), contentType: 'application/octet-stream' };
  });
}
