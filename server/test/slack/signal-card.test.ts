import { describe, expect, it } from 'vitest';
import {
  SIGNAL_ACTIONS,
  recordUrl,
  settledCard,
  signalButtonValueSchema,
  signalCard,
} from '../../src/slack/signal-card';

const signal = {
  id: 'a0S000000000001AAA',
  type: 'Job_Change',
  summary: 'Jane <Doe> moved to Acme & Co',
  evidence: { provider: 'pdl', previous: 'Globex', current: 'Acme' },
  confidence: 82.4,
  status: 'New' as const,
  recordId: '003000000000001AAA',
  firedAt: '2026-12-01T09:30:00.000Z',
};
const subject = { object: 'Contact' as const, id: '003000000000001AAA', name: 'Jane <Doe>' };

describe('signal card', () => {
  it('shows who, what, evidence, confidence and when, escaped, with Open, Enrol and Dismiss', () => {
    const url = recordUrl('https://org.example.com/', 'Contact', subject.id);
    expect(url).toBe('https://org.example.com/lightning/r/Contact/003000000000001AAA/view');
    const card = signalCard({ signal, subject, ruleName: 'Movers', enrol: true, recordUrl: url });
    const json = JSON.stringify(card.blocks);
    expect(json).toContain('Jane &lt;Doe&gt;');
    expect(json).toContain('Acme &amp; Co');
    expect(json).toContain('82%');
    expect(json).toContain('provider: pdl');
    expect(json).toContain('2026-12-01 09:30 UTC');
    const actions = card.blocks.find((b) => (b as { type: string }).type === 'actions') as {
      elements: { action_id: string; value?: string; url?: string }[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      SIGNAL_ACTIONS.open,
      SIGNAL_ACTIONS.enrol,
      SIGNAL_ACTIONS.dismiss,
    ]);
    expect(actions.elements[0]!.url).toBe(url);
    expect(signalButtonValueSchema.parse(JSON.parse(actions.elements[2]!.value!))).toEqual({
      signalId: signal.id,
      object: 'Contact',
      recordId: subject.id,
    });
    expect(card.text).toContain('Jane <Doe>');
  });

  it('has no Enrol without an Enrol action, and a settled card loses its buttons', () => {
    const card = signalCard({ signal, subject, ruleName: 'Movers', enrol: false, recordUrl: 'https://x/' });
    expect(JSON.stringify(card.blocks)).not.toContain(SIGNAL_ACTIONS.enrol);
    const settled = settledCard(card.blocks, 'Dismissed by <@U1>');
    expect(JSON.stringify(settled)).not.toContain(SIGNAL_ACTIONS.dismiss);
    expect(JSON.stringify(settled)).toContain('Dismissed by <@U1>');
  });
});
