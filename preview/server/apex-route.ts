/**
 * `POST /__preview/apex/<Class>/<method>`: runs the stand-in of that Apex method with the JSON parameters. A refusal
 * answers 400 with the AuraHandledException body; a parameter error answers 400 too; anything else 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { APEX_STANDINS, ApexStandinError, type StandinContext } from './apex-standins/index';
import { OrgRestError } from './org-rest';

const MAX_BODY = 1_000_000;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body ?? null));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > MAX_BODY) throw new ApexStandinError('The request is too large.');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApexStandinError('The parameters are not JSON.');
  }
}

export async function handleApex(
  req: IncomingMessage,
  res: ServerResponse,
  className: string,
  method: string,
  context: StandinContext,
): Promise<void> {
  const standin = APEX_STANDINS.get(`${className}.${method}`);
  if (!standin) {
    reply(res, 404, { message: `No Apex stand-in for ${className}.${method} in the preview.` });
    return;
  }
  try {
    reply(res, 200, await standin(await readJson(req), context));
  } catch (error) {
    if (error instanceof ApexStandinError) return reply(res, 400, error.body);
    if (error instanceof ZodError) return reply(res, 400, new ApexStandinError(error.message).body);
    if (error instanceof OrgRestError) {
      return reply(res, 400, new ApexStandinError(`${error.errorCode}: ${error.message}`, 'System.DmlException').body);
    }
    reply(res, 500, new ApexStandinError((error as Error).message, 'System.UnexpectedException').body);
  }
}
