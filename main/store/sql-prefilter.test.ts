import { describe, expect, it } from 'vitest';
import { fillWithDefaultSettings, type MangoQuerySelector, type RxDocumentData } from 'rxdb';
import { sqlPrefilter } from './sql-prefilter';

type Doc = { id: string; status: string; priority: number; tags: string[]; address: { city: string }; lines: { sku: string }[]; flag: boolean; anything: unknown };

const schema = fillWithDefaultSettings<Doc>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 20 },
    status: { type: 'string' },
    priority: { type: 'integer' },
    tags: { type: 'array', items: { type: 'string' } },
    address: { type: 'object', properties: { city: { type: 'string' } } },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' } } } },
    flag: { type: 'boolean' },
    anything: {},
  },
  required: ['id'],
});

const prefilter = (selector: Record<string, unknown>) => sqlPrefilter(schema, selector as MangoQuerySelector<RxDocumentData<Doc>>);

describe('the SQL pre-filter of a selector', () => {
  it('checks string equality and number ranges on scalar fields, nested objects included', () => {
    expect(prefilter({ status: { $eq: 'open' }, priority: { $gte: 2, $lt: 4 }, 'address.city': { $in: ['Soria', 'Ávila'] } })).toEqual({
      sql:
        " AND json_extract(data, '$.status') = ? AND json_extract(data, '$.priority') >= ? AND json_extract(data, '$.priority') < ?" +
        " AND json_extract(data, '$.address.city') IN (?, ?)",
      params: ['open', 2, 4, 'Soria', 'Ávila'],
    });
    expect(prefilter({ $and: [{ status: 'open' }] })?.params).toEqual(['open']);
  });

  it('leaves to JavaScript what SQL could get wrong: arrays, string ranges, booleans, untyped fields, $or, $ne, lone surrogates', () => {
    expect(prefilter({ tags: { $eq: 'x' } })).toBeUndefined();
    expect(prefilter({ 'lines.sku': { $eq: 'x' } })).toBeUndefined();
    expect(prefilter({ status: { $gt: 'm' } })).toBeUndefined();
    expect(prefilter({ flag: { $eq: true } })).toBeUndefined();
    expect(prefilter({ anything: { $eq: 1 } })).toBeUndefined();
    expect(prefilter({ $or: [{ status: 'open' }, { status: 'new' }] })).toBeUndefined();
    expect(prefilter({ status: { $ne: 'open' }, priority: { $nin: [1] } })).toBeUndefined();
    expect(prefilter({ status: { $eq: 'a\ud800' } })).toBeUndefined();
    expect(prefilter({ priority: { $gt: Infinity } })).toBeUndefined();
    expect(prefilter({ "status') OR 1=1 --": { $eq: 'x' } })).toBeUndefined();
  });
});
