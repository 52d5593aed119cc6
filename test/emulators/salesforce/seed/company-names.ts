import { COUNTRY_PROFILES } from './country-profiles';

/**
 * Generated company identities: `companyIdentity(k)` gives the k-th name and its domain without any state, so
 * accounts and lead companies can be produced in any order and a run never keeps a list of used names. Index
 * `k` is scrambled through a fixed permutation so neighbouring records do not share words.
 */

const WORDS = [
  'Blue',
  'North',
  'Silver',
  'Golden',
  'Bright',
  'Clear',
  'Swift',
  'Summit',
  'Pioneer',
  'Evergreen',
  'Harbor',
  'Granite',
  'Cedar',
  'Iron',
  'Quantum',
  'Vertex',
  'Nimbus',
  'Apex',
  'Lumen',
  'Orbit',
  'Pixel',
  'Atlas',
  'Beacon',
  'Cobalt',
  'Crescent',
  'Delta',
  'Echo',
  'Falcon',
  'Helix',
  'Horizon',
  'Keystone',
  'Maple',
  'Meridian',
  'Nova',
  'Oak',
  'Peak',
  'Prairie',
  'Redwood',
  'Sierra',
  'Stellar',
  'Terra',
  'Union',
  'Vista',
  'Willow',
  'Zenith',
  'Aspen',
  'Birch',
  'Coral',
  'Lake',
  'River',
];

/** The last word of a generated name and the industry it suggests. */
const SECTORS: readonly (readonly [word: string, industry: string])[] = [
  ['Systems', 'Technology'],
  ['Labs', 'Technology'],
  ['Software', 'Technology'],
  ['Cloud', 'Technology'],
  ['Analytics', 'Technology'],
  ['Networks', 'Telecommunications'],
  ['Telecom', 'Telecommunications'],
  ['Health', 'Healthcare'],
  ['Medical', 'Healthcare'],
  ['Bio', 'Biotechnology'],
  ['Capital', 'Finance'],
  ['Financial', 'Finance'],
  ['Bank', 'Banking'],
  ['Insurance', 'Insurance'],
  ['Manufacturing', 'Manufacturing'],
  ['Robotics', 'Manufacturing'],
  ['Works', 'Manufacturing'],
  ['Retail', 'Retail'],
  ['Goods', 'Retail'],
  ['Foods', 'Food & Beverage'],
  ['Media', 'Media'],
  ['Studios', 'Media'],
  ['Energy', 'Energy'],
  ['Power', 'Utilities'],
  ['Consulting', 'Consulting'],
  ['Partners', 'Consulting'],
  ['Learning', 'Education'],
  ['Logistics', 'Transportation'],
  ['Freight', 'Shipping'],
  ['Hotels', 'Hospitality'],
];

const COMBINATIONS = WORDS.length * WORDS.length * SECTORS.length;
/** A prime that does not divide `COMBINATIONS`, so `k * STRIDE mod COMBINATIONS` visits every combination once. */
const STRIDE = 48271;

export interface CompanyIdentity {
  /** Name without legal suffix, e.g. "Cedar Harbor Logistics". */
  baseName: string;
  /** Lower-case registrable domain, e.g. "cedarharbor.com". */
  domain: string;
  industry: string;
}

export function companyIdentity(k: number, countryIndex: number): CompanyIdentity {
  const scrambled = (k * STRIDE) % COMBINATIONS;
  const round = Math.floor(k / COMBINATIONS);
  const first = WORDS[scrambled % WORDS.length] as string;
  const secondIndex = Math.floor(scrambled / WORDS.length) % WORDS.length;
  const second = secondIndex === scrambled % WORDS.length ? '' : (WORDS[secondIndex] as string);
  const [sector, industry] = SECTORS[Math.floor(scrambled / (WORDS.length * WORDS.length))] as readonly [
    string,
    string,
  ];
  const roundSuffix = round === 0 ? '' : ' ' + (round + 1);
  const baseName = (second === '' ? first : first + ' ' + second) + ' ' + sector + roundSuffix;
  const tld = COUNTRY_PROFILES[countryIndex]?.tld ?? '.com';
  const stem = (first + second).toLowerCase() + (second === '' ? sector.toLowerCase() : '');
  const domain = stem + (round === 0 ? '' : String(round + 1)) + (k % 7 === 3 ? '.io' : tld);
  return { baseName, domain, industry };
}
