import { describe, expect, it } from 'vitest';
import { GenerationalMap } from '../../src/lib/generational-map';

describe('GenerationalMap', () => {
  it('keeps the last limit to 2 × limit entries, the newest value of a key winning', () => {
    const map = new GenerationalMap<string, number | null>(3);
    for (let i = 0; i < 3; i += 1) map.set(`k${i}`, i); // fills the newer generation: it becomes the older one
    map.set('k0', null); // a newer value, even null, hides the older one
    expect(map.get('k0')).toBeNull();
    expect(map.get('k1')).toBe(1);
    map.set('k3', 3);
    map.set('k4', 4); // the newer generation is full again: k1 and k2 go with the old older one
    expect(map.has('k1')).toBe(false);
    expect(map.get('k2')).toBeUndefined();
    expect([map.get('k0'), map.get('k3'), map.get('k4')]).toEqual([null, 3, 4]);
  });

  it('when it churns far past its limit, then it holds the recent entries only', () => {
    const map = new GenerationalMap<string, number>(1000);
    for (let i = 0; i < 200_000; i += 1) map.set(`id${i}`, i);
    expect(map.get('id199999')).toBe(199_999);
    expect(map.has('id0')).toBe(false);
  });
});
