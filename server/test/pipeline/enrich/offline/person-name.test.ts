import { describe, expect, it } from 'vitest';
import { properCaseName } from '../../../../src/pipeline/enrich/offline/person-name';

describe('properCaseName', () => {
  it.each([
    ['JOHN', 'John'],
    ['john', 'John'],
    ["O'BRIEN", "O'Brien"],
    ["o'brien", "O'Brien"],
    ['d’angelo', 'D’Angelo'],
    ['MCDONALD', 'McDonald'],
    ['mcdonald', 'McDonald'],
    ['VAN DER BERG', 'van der Berg'],
    ['van der berg', 'van der Berg'],
    ['DE LA CRUZ', 'de la Cruz'],
    ['da silva', 'da Silva'],
    ['ludwig van beethoven', 'Ludwig van Beethoven'],
    ['mary-jane', 'Mary-Jane'],
    ['SMITH-JONES', 'Smith-Jones'],
    ["o'brien-mcdonald", "O'Brien-McDonald"],
    ['JOSÉ', 'José'],
    ['ÉMILE', 'Émile'],
    ['smith iii', 'Smith III'],
    ['j.', 'J.'],
    ['  ana   maria  ', 'Ana Maria'],
  ])('when the name is "%s", then it is cased "%s"', (raw, expected) => {
    expect(properCaseName(raw)).toEqual({ value: expected, recased: true });
  });

  it.each([['DeVito'], ['MacKenzie'], ['McDonald'], ['van Dyke'], ['Ludwig van Beethoven'], ["O'Neil"], ['LaToya']])(
    'when the name "%s" is already mixed case on purpose, then it is kept as written',
    (raw) => {
      expect(properCaseName(raw)).toEqual({ value: raw, recased: false });
    },
  );

  it.each([
    ['JOHN smith', 'John Smith'],
    ['jOHN', 'John'],
  ])('when the mixed case of "%s" looks accidental, then it is recased to "%s"', (raw, expected) => {
    expect(properCaseName(raw)?.value).toBe(expected);
  });

  it.each([['de'], ['VAN']])('when a particle "%s" is the whole name, then it is capitalised', (raw) => {
    expect(properCaseName(raw)?.value).toMatch(/^[A-Z][a-z]+$/);
  });

  it.each([[''], ['   '], [null], [undefined], ['123']])('when the name is %j, then there is no value', (raw) => {
    expect(properCaseName(raw)).toBeUndefined();
  });
});
