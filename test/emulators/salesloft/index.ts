/**
 * The Salesloft fake on loopback: `startSalesloftFake()` gives its base URL (`SALESLOFT_BASE_URL`), the API key it
 * accepts and a control API (request log, team budget, the create race, memberships a person made, reset).
 */
import { listenOnLoopback, type RecordedRequest } from '../providers/fake-server';
import {
  addMembership,
  addPerson,
  createSalesloftFake,
  SALESLOFT_TEAM_BUDGET,
  type FakeMembership,
  type SalesloftFakeState,
} from './salesloft-fake';

export const SALESLOFT_FAKE_API_KEY = 'fake-salesloft-key-0123456789';
export const SALESLOFT_FAKE_CADENCE_ID = 77;

export interface SalesloftFake {
  baseUrl: string;
  apiKey: string;
  requests(): readonly RecordedRequest[];
  memberships(): readonly FakeMembership[];
  control: {
    /** Cost left in the team's current minute (other integrations spend it too). */
    setBudgetLeft(cost: number): void;
    raceNextPersonCreate(): void;
    addPerson(email: string): number;
    /** A membership a person added in Salesloft. */
    addMembership(personId: number, cadenceId: number): number;
    reset(): void;
  };
  stop(): Promise<void>;
}

function newState(): SalesloftFakeState {
  return {
    apiKey: SALESLOFT_FAKE_API_KEY,
    people: [],
    memberships: [],
    cadences: new Set([SALESLOFT_FAKE_CADENCE_ID]),
    requests: [],
    budgetLeft: SALESLOFT_TEAM_BUDGET,
    raceNextCreate: false,
    nextId: 5000,
  };
}

export async function startSalesloftFake(): Promise<SalesloftFake> {
  const state = newState();
  const server = await listenOnLoopback(createSalesloftFake(state));
  return {
    baseUrl: `${server.origin}/v2`,
    apiKey: SALESLOFT_FAKE_API_KEY,
    requests: () => state.requests,
    memberships: () => state.memberships,
    control: {
      setBudgetLeft(cost) {
        state.budgetLeft = cost;
      },
      raceNextPersonCreate() {
        state.raceNextCreate = true;
      },
      addPerson: (email) => addPerson(state, email).id,
      addMembership: (personId, cadenceId) => addMembership(state, personId, cadenceId, 'person').id,
      reset() {
        Object.assign(state, newState());
      },
    },
    stop: () => server.stop(),
  };
}
