/**
 * The admin's "Audiences Setup" tab in a real browser: the force-app `audienceSetup` component compiled unchanged
 * into the local preview (its tab page), served against the Salesforce emulator with the ADMIN signed in, while the
 * REAL loop runs over the sandbox demo org. The admin maps Contact Seniority__c as Tracked in Preview mode, builds an
 * audience filter of two conditions whose live count matches SOQL, adds a Task action beside it, creates a new
 * audience by name and counts one condition live, deletes the Task action, sends a dry run and sees its skips by
 * reason (a rep's own value is `not_ours`), then runs the export and sees the records change. Last, a rep without
 * Audience_Admin opens the tab in a second preview and gets the read-only view with its message.
 * Everything asserted about the org is read back through jsforce. A screenshot of each section goes to docs/img/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type RunningPreview } from '@audience-loop/lwc-preview';
import { DEMO_FIELD_MAPS, DEMO_SOURCES } from '../../server/src/sandbox/demo-config';
import { assertChromium, launchChromium, type LaunchedBrowser } from './support/browser';
import { LoopHarness, waitFor, type FieldMapSpec } from './support/loop-harness';

const SHOTS = path.resolve(import.meta.dirname, '../../docs/img');
const PREVIEW_DIST = path.resolve(import.meta.dirname, '../../.tmp/setup-tab-dist');
/** DOM and loop gates: generous, the machine is shared. */
const GATE_MS = 90_000;
/** The audience the admin creates in the tab. */
const NEW_AUDIENCE = 'Setup directors';
/** The admin maps this one in the tab; the harness starts with the other demo maps. */
const MAPPED_IN_TAB = 'Seniority__c';

type Row = Record<string, unknown> & { Id: string };
let h: LoopHarness;
let preview: RunningPreview;
let browser: LaunchedBrowser;
let page: Page;
let audienceId = '';
const repEdited: string[] = [];

const setup = () => page.locator('c-audience-setup');
const section = (name: string) => setup().locator(`[data-section="${name}"]`);

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `setup-tab-${name}.png`), fullPage: true });
}

async function open(name: string, label: string): Promise<void> {
  await setup().locator('lightning-vertical-navigation-item', { hasText: label }).click();
  await section(name).waitFor({ timeout: GATE_MS });
}

/** Picks an option of a lightning-combobox by its value. */
async function choose(combobox: Locator, value: string): Promise<void> {
  await combobox.locator('button, input').first().click();
  await combobox.locator(`lightning-base-combobox-item[data-value="${value}"]`).click();
}

/** Inline-edits one datatable cell and leaves the editor with Enter. */
async function editCell(row: Locator, column: string, value: string): Promise<void> {
  const cell = row.locator(`td[data-label="${column}"]`);
  await cell.hover();
  await cell.locator('button.slds-cell-edit__button').click();
  const input = page.locator('lightning-primitive-datatable-iedit-panel input').first();
  await input.fill(value);
  await input.press('Enter');
}

beforeAll(async () => {
  assertChromium();
  mkdirSync(SHOTS, { recursive: true });
  h = await LoopHarness.create({
    seed: 'demo',
    sources: DEMO_SOURCES.map(({ Name, Object__c, Inclusion_Filter__c }) => ({
      Name,
      Object__c: Object__c as 'Contact' | 'Lead',
      Inclusion_Filter__c,
    })),
    fieldMaps: DEMO_FIELD_MAPS.filter((m) => !(m.Object__c === 'Contact' && m.Field__c === MAPPED_IN_TAB)).map(
      ({ Name: _name, ...map }) => ({ ...map, Mode__c: 'Live' }),
    ) as unknown as FieldMapSpec[],
    audiences: [{ Name: 'Setup VPs', Object__c: 'Contact', Filter__c: JSON.stringify({ all: [] }) }],
  });
  audienceId = h.ids.audiences[0] as string;
  // A rep types their own Seniority on two reachable contacts: never ours to overwrite.
  const reachable = await h.query<Row>(
    'SELECT Id FROM Contact WHERE Email != null AND Seniority__c = null ORDER BY Id LIMIT 2',
  );
  repEdited.push(...reachable.map((r) => r.Id));
  await h.updateRecords(
    'Contact',
    repEdited.map((Id) => ({ Id, Seniority__c: 'Entry' })),
    h.repConn(),
  );
  await h.settle();
  // What an org admin does once: the Audience_Admin permission set exists and the admin holds it.
  const [permissionSetId] = await h.createRecords('PermissionSet', [
    { Name: 'Audience_Admin', Label: 'Audience Admin' },
  ]);
  await h.createRecords('PermissionSetAssignment', [{ AssigneeId: h.userIds.admin, PermissionSetId: permissionSetId }]);
  const admin = h.emulator.users.find((u) => u.role === 'admin');
  if (!admin) throw new Error('the emulator has no admin');
  preview = await startPreview({
    instanceUrl: h.emulator.instanceUrl,
    token: admin.accessToken,
    port: 0,
    outDir: PREVIEW_DIST,
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${preview.tabUrl('Audiences_Setup')}?components=audienceSetup`);
  await section('health').waitFor({ timeout: GATE_MS });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
  await h?.stop();
});

describe('the setup tab in the local preview (chromium)', { timeout: 300_000 }, () => {
  it('opens on Health, editable for the admin', async () => {
    expect(await setup().locator('[data-id="read-only"]').count()).toBe(0);
    await shot('1-health');
  });

  it('maps Contact Seniority__c as Tracked in Preview mode with an inline edit, saved to the org', async () => {
    await open('fieldMaps', 'Field mappings');
    const row = section('fieldMaps').locator(`tr[data-row-key-value="new:${MAPPED_IN_TAB}"]`);
    await row.waitFor({ timeout: GATE_MS });
    await editCell(row, 'Attribute', 'person.seniority');
    await editCell(row, 'Rule', 'Tracked');
    await editCell(row, 'Mode', 'Preview');
    await shot('2-field-mappings');
    await section('fieldMaps').locator('lightning-datatable button', { hasText: 'Save' }).click();
    const saved = await waitFor(
      async () =>
        (
          await h.query<Row>(
            `SELECT Id, Attribute__c, Write_Rule__c, Mode__c, Active__c FROM Audience_Field_Map__c WHERE Object__c = 'Contact' AND Field__c = '${MAPPED_IN_TAB}'`,
          )
        )[0],
      GATE_MS,
      'the new field map in the org',
    );
    expect(saved).toMatchObject({
      Attribute__c: 'person.seniority',
      Write_Rule__c: 'Tracked',
      Mode__c: 'Preview',
      Active__c: true,
    });
  });

  it('builds a two-condition filter whose live count matches SOQL, and saves it', async () => {
    await open('audiences', 'Audiences');
    await section('audiences').locator(`[data-action="edit-filter"][data-id="${audienceId}"]`).click();
    const builder = section('audiences').locator('c-audience-filter-builder');
    await builder.waitFor({ timeout: GATE_MS });
    for (let i = 0; i < 2; i++) await builder.locator('[data-action="add-condition"]').first().click();
    const conditions = builder.locator('[data-condition]');
    await choose(conditions.nth(0).locator('[data-input="field"]'), 'Title');
    await choose(conditions.nth(0).locator('[data-input="op"]'), 'contains');
    await conditions.nth(0).locator('[data-input="value"] input').fill('VP');
    await choose(conditions.nth(1).locator('[data-input="field"]'), 'Email');
    await choose(conditions.nth(1).locator('[data-input="op"]'), 'is_not_blank');
    await section('audiences').locator('[data-action="count"]').click();
    const shown = section('audiences').locator('[data-id="match-count"]');
    await shown.waitFor({ timeout: GATE_MS });
    const soql = await h.query<Row>("SELECT Id FROM Contact WHERE Title LIKE '%VP%' AND Email != null");
    expect(soql.length).toBeGreaterThan(0);
    expect(Number((await shown.innerText()).replace(/[^0-9]/g, ''))).toBe(soql.length);
    expect((await shown.innerText()).trim()).toMatch(/^[\d,]+\s+matching records$/);
    await section('audiences').locator('[data-action="save-filter"]').click();
    const stored = await waitFor(
      async () => {
        const [row] = await h.query<Row>(`SELECT Filter__c FROM Audience__c WHERE Id = '${audienceId}'`);
        return String(row?.Filter__c ?? '').includes('Title') ? row : undefined;
      },
      GATE_MS,
      'the saved filter',
    );
    expect(JSON.parse(String(stored.Filter__c))).toEqual({
      all: [
        { field: 'Title', op: 'contains', value: 'VP' },
        { field: 'Email', op: 'is_not_blank' },
      ],
    });
  });

  it('adds a Task action beside the audience', async () => {
    const editor = section('audiences').locator('c-audience-setup-actions');
    await editor.locator('[data-action="new-action"]').click();
    await editor.locator('[data-field="name"] input').fill('Call new VPs');
    await choose(editor.locator('[data-field="type"]'), 'Task');
    const form = editor.locator('c-audience-setup-settings-form');
    await form.locator('[data-action="add-step"]').click();
    await form.locator('[data-part="dayOffset"] input').fill('1');
    await form.locator('[data-part="subject"] input').fill('Call {FirstName}');
    await shot('3-audiences');
    await editor.locator('[data-action="save-action"]').click();
    await editor.locator('tbody tr', { hasText: 'Call new VPs' }).waitFor({ timeout: GATE_MS });
    const [action] = await h.query<Row>(
      `SELECT Type__c, Settings__c, On_Exit__c FROM Audience_Action__c WHERE Audience__c = '${audienceId}'`,
    );
    expect(action).toMatchObject({ Type__c: 'Task', On_Exit__c: 'Nothing' });
    expect(JSON.parse(String(action!.Settings__c))).toEqual({ steps: [{ dayOffset: 1, subject: 'Call {FirstName}' }] });
  });

  it('creates an audience by name, counts one condition live, lists it; then deletes the Task action', async () => {
    const audiences = section('audiences');
    await audiences.locator('[data-action="new-audience"]').click();
    const form = audiences.locator('[data-id="audience-form"]');
    await form.locator('[data-field="name"] input').fill(NEW_AUDIENCE);
    await choose(form.locator('[data-field="objectName"]'), 'Contact');
    await form.locator('[data-action="create-audience"]').click();
    const created = await waitFor(
      async () =>
        (
          await h.query<Row>(
            `SELECT Id, Object__c, Filter__c, Active__c FROM Audience__c WHERE Name = '${NEW_AUDIENCE}'`,
          )
        )[0],
      GATE_MS,
      'the new audience in the org',
    );
    // Inactive with the empty filter: nothing joins it before the admin has built its filter.
    expect(created).toMatchObject({ Object__c: 'Contact', Filter__c: '{"all":[]}', Active__c: false });
    // It is listed, and the builder opened on it by itself.
    await audiences.locator(`[data-active="${created.Id}"]`, { hasText: 'Inactive' }).waitFor({ timeout: GATE_MS });
    await audiences.locator('[data-id="builder"] h3', { hasText: NEW_AUDIENCE }).waitFor({ timeout: GATE_MS });
    const builder = audiences.locator('c-audience-filter-builder');
    await builder.locator('[data-action="add-condition"]').first().click();
    const condition = builder.locator('[data-condition]').first();
    await choose(condition.locator('[data-input="field"]'), 'Title');
    await choose(condition.locator('[data-input="op"]'), 'contains');
    await condition.locator('[data-input="value"] input').fill('Director');
    await audiences.locator('[data-action="count"]').click();
    const shown = audiences.locator('[data-id="match-count"]');
    await shown.waitFor({ timeout: GATE_MS });
    const soql = await h.query<Row>("SELECT Id FROM Contact WHERE Title LIKE '%Director%'");
    expect(soql.length).toBeGreaterThan(0);
    expect(Number((await shown.innerText()).replace(/[^0-9]/g, ''))).toBe(soql.length);
    await shot('3b-new-audience');

    // Back on the first audience, the admin deletes its Task action: asked in the row, then gone from list and org.
    await audiences.locator(`[data-action="edit-filter"][data-id="${audienceId}"]`).click();
    const actionRow = audiences.locator('c-audience-setup-actions tbody tr', { hasText: 'Call new VPs' });
    await actionRow.waitFor({ timeout: GATE_MS });
    await actionRow.locator('[data-action="delete"]').click();
    await actionRow.locator('[data-action="confirm-delete"]').click();
    await actionRow.waitFor({ state: 'detached', timeout: GATE_MS });
    expect(await h.query<Row>(`SELECT Id FROM Audience_Action__c WHERE Audience__c = '${audienceId}'`)).toHaveLength(0);
  });

  it('shows the Enrichment plans and Signal rules sections', async () => {
    await open('plans', 'Enrichment plans');
    await section('plans').locator('[data-action="new-plan"]').click();
    await section('plans').locator('[data-id="plan-form"]').waitFor({ timeout: GATE_MS });
    await section('plans').locator('[data-field="schedule"] input').fill('0 2 * * 1-5');
    await section('plans').locator('[data-id="cron-reading"]').waitFor({ timeout: GATE_MS });
    expect(await section('plans').locator('[data-id="cron-reading"]').innerText()).toContain('Monday to Friday');
    await shot('4-plans');
    await open('signals', 'Signal rules');
    await section('signals').locator('[data-action="new-rule"]').click();
    await section('signals').locator('[data-id="rule-form"]').waitFor({ timeout: GATE_MS });
    await shot('5-signals');
  });

  it('a dry run lists the planned writes with skips by reason; Run export then changes the records', async () => {
    await open('runs', 'Runs');
    const before = await h.query<Row>(`SELECT Id, ${MAPPED_IN_TAB} FROM Contact`);
    await waitFor(
      async () => {
        if ((await h.query<Row>("SELECT Id FROM Audience_Run__c WHERE Type__c = 'Dry_Run'")).length > 0) return true;
        // The loop hears commands over the stream: a long poll that missed the first one gets it on a resend.
        await section('runs').locator('[data-action="dry-run"]').click();
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        return false;
      },
      GATE_MS,
      'a Dry_Run run',
    );
    const run = await waitFor(
      async () =>
        (
          await h.query<Row>(
            "SELECT Id, Name, Status__c, Skips_By_Reason__c, Succeeded__c FROM Audience_Run__c WHERE Type__c = 'Dry_Run' AND Status__c = 'Succeeded'",
          )
        )[0],
      GATE_MS,
      'the dry run to finish',
    );
    const skips = JSON.parse(String(run.Skips_By_Reason__c)) as Record<string, number>;
    expect(skips.not_ours).toBeGreaterThanOrEqual(repEdited.length);
    expect(Number(run.Succeeded__c)).toBeGreaterThan(0);
    // Not one record field was written by the dry run.
    const afterDry = await h.query<Row>(`SELECT Id, ${MAPPED_IN_TAB} FROM Contact`);
    expect(afterDry).toEqual(before);
    await setup().locator('[data-id="refresh"]').click();
    const skipsShown = section('runs').locator(`[data-skips="${run.Id}"]`);
    await skipsShown.waitFor({ timeout: GATE_MS });
    expect(await skipsShown.innerText()).toContain(`not_ours ${skips.not_ours}`);
    await shot('6-runs-dry-run');

    await waitFor(
      async () => {
        const [map] = await h.query<Row>(
          `SELECT Mode__c FROM Audience_Field_Map__c WHERE Object__c = 'Contact' AND Field__c = '${MAPPED_IN_TAB}'`,
        );
        if (map?.Mode__c === 'Live') return true;
        await section('runs').locator('[data-action="run-export"]').click();
        await new Promise((resolve) => setTimeout(resolve, 5_000));
        return false;
      },
      GATE_MS,
      'RUN_EXPORT to make the Preview map Live',
    );
    const changed = await waitFor(
      async () => {
        const now = await h.query<Row>(`SELECT Id, ${MAPPED_IN_TAB} FROM Contact`);
        const was = new Map(before.map((r) => [r.Id, r[MAPPED_IN_TAB]]));
        const diff = now.filter((r) => r[MAPPED_IN_TAB] !== was.get(r.Id));
        return diff.length >= Number(run.Succeeded__c) ? diff : undefined;
      },
      GATE_MS,
      'the export to write the planned values',
    );
    expect(changed).toHaveLength(Number(run.Succeeded__c));
    // The rep's own values were not overwritten.
    for (const id of repEdited) expect(changed.find((r) => r.Id === id)).toBeUndefined();
    await setup().locator('[data-id="refresh"]').click();
    await shot('7-runs-exported');
  });

  it('a rep without Audience_Admin opening the tab sees a read-only view with the message', async () => {
    const rep = h.emulator.users.find((u) => u.role === 'rep');
    if (!rep) throw new Error('the emulator has no rep');
    // A second preview signed in as the rep, serving the bundle the admin's preview built.
    const repPreview = await startPreview({
      instanceUrl: h.emulator.instanceUrl,
      token: rep.accessToken,
      port: 0,
      outDir: PREVIEW_DIST,
      reuseBuild: true,
    });
    const repPage = await browser.context.newPage();
    try {
      await repPage.goto(`${repPreview.tabUrl('Audiences_Setup')}?components=audienceSetup`);
      const repTab = repPage.locator('c-audience-setup');
      const message = repTab.locator('[data-id="read-only"]');
      await message.waitFor({ timeout: GATE_MS });
      expect(await message.innerText()).toContain('You can view this setup but not change it');
      await repTab.locator('lightning-vertical-navigation-item', { hasText: 'Audiences' }).click();
      const newAudience = repTab.locator('[data-section="audiences"] [data-action="new-audience"] button');
      await newAudience.waitFor({ timeout: GATE_MS });
      expect(await newAudience.isDisabled()).toBe(true);
    } finally {
      await repPage.close();
      await repPreview.stop();
    }
  });
});
