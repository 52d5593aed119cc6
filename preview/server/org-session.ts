/**
 * The signed-in user of the preview: the org's instance URL, that user's access token and id. Everything the page
 * does (UI API reads, the Apex stand-ins, the event stream) runs with this token, as Lightning runs as the user.
 */
import { z } from 'zod';

export type OrgSession = { instanceUrl: string; accessToken: string; apiVersion: string; userId: string };

const userInfoSchema = z.object({ user_id: z.string() });

export async function openOrgSession(input: {
  instanceUrl: string;
  accessToken: string;
  apiVersion: string;
}): Promise<OrgSession> {
  const instanceUrl = input.instanceUrl.replace(/\/+$/, '');
  const response = await fetch(`${instanceUrl}/services/oauth2/userinfo`, {
    headers: { Authorization: `Bearer ${input.accessToken}` },
  });
  if (!response.ok) {
    throw new Error(`the org refused the preview's token (userinfo answered ${response.status}); pass a valid --token`);
  }
  const info = userInfoSchema.parse(await response.json());
  return { instanceUrl, accessToken: input.accessToken, apiVersion: input.apiVersion, userId: info.user_id };
}
