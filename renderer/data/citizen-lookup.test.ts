import { describe, expect, it } from 'vitest';
import { nameKeyCandidates } from './citizen-lookup';

describe('citizen lookup by name', () => {
  it('tries the name as typed and with the surnames first', () => {
    expect(nameKeyCandidates('María García')).toEqual(['maria garcia', 'garcia maria']);
    expect(nameKeyCandidates('José García López')).toEqual(['jose garcia lopez', 'garcia lopez jose', 'lopez jose garcia']);
    expect(nameKeyCandidates(' ')).toEqual([]);
  });
});
