import { didYouMean, editDistance, suggest } from './suggest';

describe('suggest', () => {
  it('measures Damerau-Levenshtein distance (adjacent swaps cost 1)', () => {
    expect(editDistance('available', 'availble')).toBe(1);
    expect(editDistance('sku', 'suk')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only close candidates, relative to length', () => {
    expect(suggest('availble', ['available', 'sku'])).toBe('available');
    expect(suggest('SKU', ['sku', 'skip'])).toBe('sku');
    expect(suggest('nope', ['sku', 'available'])).toBeUndefined();
    expect(suggest('ab', ['xy'])).toBeUndefined();
    expect(suggest('inventory.updatd', ['inventory.updated', 'inventory.deleted'])).toBe('inventory.updated');
    expect(suggest('x', [])).toBeUndefined();
  });

  it('breaks ties alphabetically and formats a message tail', () => {
    expect(suggest('cat', ['bat', 'hat'])).toBe('bat');
    expect(didYouMean('qtty', ['qty'])).toBe("; did you mean 'qty'?");
    expect(didYouMean('zzz', ['qty'])).toBe('');
  });
});
