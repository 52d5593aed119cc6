/**
 * The countries seeded records live in: how people spell them, a few cities, and how their phone numbers look.
 * Every spelling in `spellings` maps to `code` through a country library (English names, alpha-2 and alpha-3 codes,
 * the aliases it knows such as "UK" and "U.S."); `JUNK_COUNTRY_VALUES` are what no library maps.
 * Phone templates put `#` where a digit goes; numbers use fictional ranges where a country has one
 * (US/CA 555-01xx, UK 020 7946 0xxx and 07700 900xxx, AU 0491 570 xxx).
 */

export interface CountryProfile {
  code: string;
  /** Relative share of generated records. */
  weight: number;
  /** The usual spelling first, then the variants. */
  spellings: readonly string[];
  cities: readonly (readonly [city: string, state: string | null, postalCode: string])[];
  /** Top-level domain generated companies in this country use. */
  tld: string;
  /** Legal-form suffixes for generated company names. */
  companySuffixes: readonly string[];
  /** Landline templates: international styles and national styles (a national one only makes sense with the country). */
  landlines: readonly string[];
  mobiles: readonly string[];
}

export const JUNK_COUNTRY_VALUES = ['N/A', 'Unknown', '-', 'EMEA'] as const;

export const COUNTRY_PROFILES: readonly CountryProfile[] = [
  {
    code: 'US',
    weight: 52,
    spellings: ['United States', 'USA', 'US', 'U.S.', 'United States of America', 'united states', 'usa'],
    cities: [
      ['San Francisco', 'CA', '94105'],
      ['New York', 'NY', '10001'],
      ['Chicago', 'IL', '60601'],
      ['Boston', 'MA', '02110'],
      ['Seattle', 'WA', '98101'],
      ['Austin', 'TX', '78701'],
      ['Denver', 'CO', '80202'],
      ['Atlanta', 'Georgia', '30303'],
      ['Los Angeles', 'California', '90012'],
      ['Miami', 'FL', '33131'],
      ['san francisco', 'ca', '94107-1234'],
      ['NYC', 'New York', '10013'],
    ],
    tld: '.com',
    companySuffixes: ['', ' Inc', ' Inc.', ', Inc.', ' LLC', ' Corp', ' Corporation', ' Co.', ' Group'],
    landlines: [],
    mobiles: [],
  },
  {
    code: 'GB',
    weight: 14,
    spellings: ['United Kingdom', 'UK', 'GB', 'Great Britain', 'GBR', 'united kingdom'],
    cities: [
      ['London', null, 'EC1A 1BB'],
      ['Manchester', null, 'M1 1AE'],
      ['Edinburgh', 'Scotland', 'EH1 1YZ'],
      ['Bristol', null, 'BS1 4DJ'],
      ['london', null, 'sw1a 1aa'],
    ],
    tld: '.co.uk',
    companySuffixes: ['', ' Ltd', ' Ltd.', ' Limited', ' plc', ' Group'],
    landlines: ['+44 20 7946 0###', '020 7946 0###', '+44 (0)20 7946 0###', '0207946 0###', '+4420 7946 0###'],
    mobiles: ['07700 900###', '+44 7700 900###', '+44 (0)7700 900 ###'],
  },
  {
    code: 'DE',
    weight: 7,
    spellings: ['Germany', 'DE', 'DEU', 'germany'],
    cities: [
      ['Berlin', 'Berlin', '10115'],
      ['München', 'Bayern', '80331'],
      ['Munich', 'Bavaria', '80331'],
      ['Hamburg', null, '20095'],
      ['Frankfurt am Main', 'Hessen', '60311'],
    ],
    tld: '.de',
    companySuffixes: [' GmbH', ' AG', ' GmbH & Co. KG', ''],
    landlines: ['+49 30 ########', '030 ########', '+49 (0)30 ########', '+49 89 #######', '089/#######'],
    mobiles: ['+49 151 ########', '0151 ########', '0171-#######'],
  },
  {
    code: 'CA',
    weight: 5,
    spellings: ['Canada', 'CA', 'CAN', 'canada'],
    cities: [
      ['Toronto', 'ON', 'M5H 2N2'],
      ['Vancouver', 'BC', 'V6B 1A1'],
      ['Montréal', 'QC', 'H2Y 1C6'],
      ['Montreal', 'Quebec', 'H3B 2Y5'],
    ],
    tld: '.ca',
    companySuffixes: ['', ' Inc.', ' Ltd.', ' Corp.'],
    landlines: [],
    mobiles: [],
  },
  {
    code: 'FR',
    weight: 4,
    spellings: ['France', 'FR', 'FRA'],
    cities: [
      ['Paris', 'Île-de-France', '75002'],
      ['Lyon', null, '69002'],
      ['Bordeaux', null, '33000'],
    ],
    tld: '.fr',
    companySuffixes: [' SAS', ' SA', ' SARL', ''],
    landlines: ['+33 1 ## ## ## ##', '01 ## ## ## ##', '01.##.##.##.##', '+33 (0)1 ## ## ## ##'],
    mobiles: ['+33 6 ## ## ## ##', '06 ## ## ## ##', '07.##.##.##.##'],
  },
  {
    code: 'AU',
    weight: 4,
    spellings: ['Australia', 'AU', 'AUS'],
    cities: [
      ['Sydney', 'NSW', '2000'],
      ['Melbourne', 'VIC', '3000'],
      ['Brisbane', 'Queensland', '4000'],
    ],
    tld: '.com.au',
    companySuffixes: [' Pty Ltd', ' Pty. Ltd.', ''],
    landlines: ['+61 2 9### ####', '(02) 9### ####', '02 9### ####', '+61 3 9### ####'],
    mobiles: ['0491 570 ###', '+61 491 570 ###'],
  },
  {
    code: 'NL',
    weight: 3,
    spellings: ['Netherlands', 'The Netherlands', 'NL', 'NLD'],
    cities: [
      ['Amsterdam', null, '1012 AB'],
      ['Rotterdam', null, '3011 AD'],
    ],
    tld: '.nl',
    companySuffixes: [' B.V.', ' BV', ' N.V.', ''],
    landlines: ['+31 20 ### ####', '020 ### ####', '+31 (0)20 ### ####'],
    mobiles: ['+31 6 ########', '06-########'],
  },
  {
    code: 'IN',
    weight: 3,
    spellings: ['India', 'IN', 'IND'],
    cities: [
      ['Bengaluru', 'Karnataka', '560001'],
      ['Bangalore', 'KA', '560034'],
      ['Mumbai', 'Maharashtra', '400001'],
    ],
    tld: '.in',
    companySuffixes: [' Pvt Ltd', ' Private Limited', ' Ltd', ''],
    landlines: ['+91 80 #### ####', '080 #### ####'],
    mobiles: ['+91 98### #####', '+91-98###-#####', '098### #####'],
  },
  {
    code: 'IE',
    weight: 2,
    spellings: ['Ireland', 'IE', 'IRL'],
    cities: [
      ['Dublin', null, 'D02 X285'],
      ['Cork', null, 'T12 XY34'],
    ],
    tld: '.ie',
    companySuffixes: [' Ltd', ' Limited', ' DAC', ''],
    landlines: ['+353 1 ### ####', '(01) ### ####'],
    mobiles: ['+353 87 ### ####', '087 ### ####'],
  },
  {
    code: 'ES',
    weight: 2,
    spellings: ['Spain', 'ES', 'ESP'],
    cities: [
      ['Madrid', 'Madrid', '28013'],
      ['Barcelona', 'Cataluña', '08002'],
    ],
    tld: '.es',
    companySuffixes: [' S.L.', ' S.A.', ''],
    landlines: ['+34 91# ### ###', '91# ## ## ##'],
    mobiles: ['+34 6## ### ###', '6## ### ###'],
  },
  {
    code: 'SG',
    weight: 2,
    spellings: ['Singapore', 'SG', 'SGP'],
    cities: [['Singapore', null, '018956']],
    tld: '.sg',
    companySuffixes: [' Pte Ltd', ' Pte. Ltd.', ''],
    landlines: ['+65 6### ####', '6### ####'],
    mobiles: ['+65 9### ####', '+65 8### ####'],
  },
  {
    code: 'JP',
    weight: 1,
    spellings: ['Japan', 'JP', 'JPN'],
    cities: [
      ['Tokyo', 'Tokyo', '100-0005'],
      ['Osaka', 'Osaka', '530-0001'],
    ],
    tld: '.jp',
    companySuffixes: [' K.K.', ' Co., Ltd.', ''],
    landlines: ['+81 3-####-####', '03-####-####'],
    mobiles: ['+81 90-####-####', '090-####-####'],
  },
  {
    code: 'BR',
    weight: 1,
    spellings: ['Brazil', 'BR', 'BRA'],
    cities: [['São Paulo', 'SP', '01310-100']],
    tld: '.com.br',
    companySuffixes: [' Ltda.', ' S.A.', ''],
    landlines: ['+55 11 ####-####', '(11) ####-####'],
    mobiles: ['+55 11 9####-####', '(11) 9####-####'],
  },
  {
    code: 'SE',
    weight: 1,
    spellings: ['Sweden', 'SE', 'SWE'],
    cities: [['Stockholm', null, '111 52']],
    tld: '.se',
    companySuffixes: [' AB', ''],
    landlines: ['+46 8 ### ### ##', '08-### ### ##'],
    mobiles: ['+46 70 ### ## ##', '070-### ## ##'],
  },
  {
    code: 'CH',
    weight: 1,
    spellings: ['Switzerland', 'CH', 'CHE'],
    cities: [
      ['Zürich', 'ZH', '8001'],
      ['Geneva', 'GE', '1201'],
    ],
    tld: '.ch',
    companySuffixes: [' AG', ' SA', ' GmbH', ''],
    landlines: ['+41 44 ### ## ##', '044 ### ## ##'],
    mobiles: ['+41 79 ### ## ##', '079 ### ## ##'],
  },
];

/** Profile indexes repeated by weight, so a uniform pick follows the weights. */
export const WEIGHTED_COUNTRY_INDEXES: readonly number[] = COUNTRY_PROFILES.flatMap((profile, index) =>
  Array.from({ length: profile.weight }, () => index),
);

export const US_PROFILE_INDEX = 0;

/**
 * How a record spells its country: usually the common name, often a variant or code, now and then junk or blank.
 * Returns one of the profile's shared strings (never a new one), so millions of rows cost no string memory.
 */
export function countrySpelling(roll: number, pickVariant: number, countryIndex: number): string | null {
  const profile = COUNTRY_PROFILES[countryIndex] ?? (COUNTRY_PROFILES[US_PROFILE_INDEX] as CountryProfile);
  if (roll < 0.6) return profile.spellings[0] as string;
  if (roll < 0.88) return profile.spellings[pickVariant % profile.spellings.length] as string;
  if (roll < 0.91) return JUNK_COUNTRY_VALUES[pickVariant % JUNK_COUNTRY_VALUES.length] as string;
  return null;
}
