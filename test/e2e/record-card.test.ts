/**
 * The rep's record card in a real browser: the force-app `audienceStatus` component compiled unchanged into the
 * local preview, served against the Salesforce emulator with the rep signed in, while the REAL loop runs (Redis, the
 * provider fakes). Chromium opens a Contact, sees its audience and the provenance of a value the loop wrote, clicks
 * Enrich now, watches the live progress text change and the new value appear, undoes that value and sees the org
 * change, and a forged undo of a field a person changed is refused. Everything asserted about the org is read back
 * through jsforce as the admin. A screenshot of each state is saved under .tmp/record-card/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type RunningPreview } from '@audience-loop/lwc-preview';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { assertChromium, launchChromium, type LaunchedBrowser } from './support/browser';
import { LoopHarness, waitFor } from './support/loop-harness';

const SHOTS = path.resolve(import.meta.dirname, '../../.tmp/record-card');
/** DOM gates: generous, the machine is shared. */
const GATE_MS = 90_000;

let h: LoopHarness;
let fakes: ProviderFakes;
let preview: RunningPreview;
let browser: LaunchedBrowser;
let page: Page;
let contactId = '';
let planId = '';

type ContactRow = { Id: string; Title: string | null; LinkedIn_URL__c: string | null; Audience_Provenance__c: string };

async function contact(): Promise<ContactRow> {
  const row = (
    await h.byId<ContactRow>('Contact', ['Title', 'LinkedIn_URL__c', 'Audience_Provenance__c'], [contactId])
  ).get(contactId);
  if (!row) throw new Error('the contact is gone');
  return row;
}

function provenance(row: ContactRow): Record<string, Record<string, unknown>> {
  return JSON.parse(row.Audience_Provenance__c || '{}') as Record<string, Record<string, unknown>>;
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

const card = () => page.locator('c-audience-status');
const fieldRow = (field: string) => card().locator(`li.field[data-field="${field}"]`);

/** An ENRICH_RECORD as the admin would send it (Audience_Command__e), re-sent if the loop's long poll missed it. */
async function enrichAsAdmin(until: () => Promise<boolean>): Promise<void> {
  const publish = async () => {
    const result = await h.admin
      .sobject('Audience_Command__e')
      .create({ Command__c: 'ENRICH_RECORD', Record_Id__c: contactId });
    if (!result.success) throw new Error('could not publish ENRICH_RECORD');
  };
  await publish();
  let published = Date.now();
  await waitFor(
    async () => {
      if (await until()) return true;
      if (Date.now() - published > 10_000) {
        await publish();
        published = Date.now();
      }
      return false;
    },
    GATE_MS,
    'the first enrichment of the contact',
  );
}

beforeAll(async () => {
  assertChromium();
  mkdirSync(SHOTS, { recursive: true });
  fakes = await startProviderFakes();
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Contact', Field__c: 'Title', Attribute__c: 'person.title', Write_Rule__c: 'Tracked' },
      {
        Object__c: 'Contact',
        Field__c: 'LinkedIn_URL__c',
        Attribute__c: 'person.linkedin_url',
        Write_Rule__c: 'Tracked',
      },
    ],
    audiences: [
      {
        Name: 'Acme people',
        Object__c: 'Contact',
        Filter__c: JSON.stringify({ field: 'LastName', op: 'eq', value: 'Martin' }),
      },
    ],
    records: { Account: [{ Name: 'Acme Inc', Website: 'https://acme.com' }] },
  });
  [contactId] = (await h.createRecords('Contact', [
    { FirstName: 'Olivia', LastName: 'Martin', Email: 'olivia.martin@acme.com', AccountId: h.records.Account?.[0] },
  ])) as [string];
  // The plan buys the LinkedIn URL first; the title is added later, so Enrich now has something new to bring.
  [planId] = (await h.createRecords('Audience_Enrichment__c', [
    {
      Name: 'Profiles',
      Object__c: 'Contact',
      Audience__c: h.ids.audiences[0],
      Attributes__c: 'person.linkedin_url',
      Providers__c: 'pdl,hunter',
      Active__c: true,
    },
  ])) as [string];
  const rep = h.emulator.users.find((u) => u.role === 'rep');
  if (!rep) throw new Error('the emulator has no rep');
  // The preview as the rep sees it: built from force-app now, so a broken component fails this test. Built before
  // the loop starts: the build holds this process's event loop for seconds, and the loop's CometD clients (whose
  // polls time out after 1.2 long polls) would spend them re-handshaking.
  preview = await startPreview({
    instanceUrl: h.emulator.instanceUrl,
    token: rep.accessToken,
    port: 0,
    outDir: path.resolve(import.meta.dirname, '../../.tmp/record-card-dist'),
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await h.startRuntime({
    enrichment: {
      environment: {
        HUNTER_API_KEY: fakes.keys.hunter,
        HUNTER_BASE_URL: fakes.hunterBaseUrl,
        PDL_API_KEY: fakes.keys.pdl,
        PDL_BASE_URL: fakes.pdlBaseUrl,
        APOLLO_API_KEY: fakes.keys.apollo,
        APOLLO_BASE_URL: fakes.apolloBaseUrl,
      },
    },
  });
  await waitFor(async () => (await h.activeMembers(h.ids.audiences[0] as string)).size === 1, GATE_MS, 'Olivia in');
  await enrichAsAdmin(async () => Boolean((await contact()).LinkedIn_URL__c));
  await h.updateRecords('Audience_Enrichment__c', [{ Id: planId, Attributes__c: 'person.linkedin_url,person.title' }]);
  await waitFor(
    () => h.loop.enrichment.findPlan(planId)?.attributes.includes('person.title'),
    GATE_MS,
    'the plan to buy titles too',
  );
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
  await h?.stop();
  await fakes?.stop();
});

describe('the record card in the local preview (chromium)', { timeout: 300_000 }, () => {
  it('shows the audience and why the LinkedIn URL holds its value, with no live subscription yet', async () => {
    await page.goto(`${preview.recordUrl('Contact', contactId)}?components=audienceStatus`);
    await card().locator('li.membership', { hasText: 'Acme people' }).waitFor({ timeout: GATE_MS });
    const linkedIn = fieldRow('LinkedIn_URL__c');
    await linkedIn.waitFor({ timeout: GATE_MS });
    const written = (await contact()).LinkedIn_URL__c as string;
    expect(await linkedIn.locator('.field-written').innerText()).toContain(written);
    expect(await linkedIn.locator('.field-rule').innerText()).toContain('Tracked');
    expect(await linkedIn.locator('.field-provider').innerText()).toMatch(/pdl|hunter/);
    // Subscribing costs a CometD client of the org: none before the click.
    expect(preview.server.emp.subscriptions).toBe(0);
    await shot('1-loaded');
  });

  it('Enrich now shows live progress and then the new title', async () => {
    const waiting = 'Request sent; waiting for audience-loop...';
    await card().locator('.enrich-button button').click();
    const progress = card().locator('.progress-message');
    await progress.waitFor({ timeout: GATE_MS });
    await waitFor(() => preview.server.emp.subscriptions === 1, GATE_MS, 'the card subscribed after the click');
    await shot('2-enriching');
    // The server's Audience_Status__e messages replace the waiting text, then the new value is on the card.
    await waitFor(
      async () => {
        const text = (await progress.innerText()).trim();
        return text !== '' && text !== waiting;
      },
      GATE_MS,
      'a status message from the server',
    );
    const title = fieldRow('Title');
    await title.waitFor({ timeout: GATE_MS });
    expect(await title.locator('.field-written').innerText()).toContain('Head of Sales');
    expect((await contact()).Title).toBe('Head of Sales');
    await waitFor(() => preview.server.emp.subscriptions === 0, GATE_MS, 'the card unsubscribed on the final status');
    await shot('3-enriched');
  });

  it('Undo restores the previous (blank) title in the org, recorded as undone by the rep', async () => {
    await fieldRow('Title').locator('.undo button').click();
    await waitFor(async () => (await contact()).Title === null, GATE_MS, 'the title undone in the org');
    const entry = provenance(await contact()).Title;
    expect(entry).toMatchObject({ value: 'Head of Sales', undoneBy: h.userIds.rep });
    expect(typeof entry?.undoneAt).toBe('string');
    await fieldRow('Title').locator('.undone').waitFor({ timeout: GATE_MS });
    expect(await fieldRow('Title').locator('.undo button').count()).toBe(0);
    await shot('4-undone');
  });

  it('refuses a forged undo of a field a person changed since, and the org keeps the person’s value', async () => {
    await h.updateRecords(
      'Contact',
      [{ Id: contactId, LinkedIn_URL__c: 'https://www.linkedin.com/in/olivia-new' }],
      h.repConn(),
    );
    await page.reload();
    await fieldRow('LinkedIn_URL__c').locator('.changed-since').waitFor({ timeout: GATE_MS });
    expect(await fieldRow('LinkedIn_URL__c').locator('.undo button').count()).toBe(0);
    // The card offers no Undo; the call is made by hand, as a forged request would be.
    const answer = await page.evaluate(async (recordId) => {
      const response = await fetch('/__preview/apex/AudienceStatusController/undoField', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ recordId, fieldApiName: 'LinkedIn_URL__c' }),
      });
      return { status: response.status, body: (await response.json()) as { message: string } };
    }, contactId);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toMatch(/was changed by a person since audience-loop wrote it/);
    const after = await contact();
    expect(after.LinkedIn_URL__c).toBe('https://www.linkedin.com/in/olivia-new');
    expect(provenance(after).LinkedIn_URL__c?.undoneBy ?? null).toBeNull();
    await shot('5-changed-by-person');
  });
});
