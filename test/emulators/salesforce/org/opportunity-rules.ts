/** Opportunity: IsClosed/IsWon, Probability and ForecastCategoryName follow the stage, as the default sales process. */
import type { RecordStore, WriteTrigger } from './store';

const STAGE_PROBABILITY: Record<string, number> = {
  Prospecting: 10,
  Qualification: 10,
  'Needs Analysis': 20,
  'Value Proposition': 50,
  'Id. Decision Makers': 60,
  'Perception Analysis': 70,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
};

export function registerOpportunityRules(store: RecordStore): void {
  const rules: WriteTrigger = {
    beforeWrite(_tx, _obj, row, before) {
      const stage = row.StageName as string;
      if (before && before.StageName === stage) return;
      row.IsClosed = stage === 'Closed Won' || stage === 'Closed Lost';
      row.IsWon = stage === 'Closed Won';
      if (!before || row.Probability === before.Probability) row.Probability = STAGE_PROBABILITY[stage] ?? null;
      row.ForecastCategoryName = row.IsWon ? 'Closed' : row.IsClosed ? 'Omitted' : 'Pipeline';
    },
  };
  store.addTrigger('Opportunity', rules);
}
