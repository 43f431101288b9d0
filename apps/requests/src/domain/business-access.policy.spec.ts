import { isBusinessAdmin, referenceNumberLabel } from './business-access.policy';

const business = { businessId: 'b1', name: 'Shop', users: [{ userId: 'a1', role: 'admin' as const }, { userId: 'm1', role: 'member' as const }] };

describe('isBusinessAdmin', () => {
  it('knows admins from the latest profile', () => {
    expect(isBusinessAdmin(business, 'a1')).toBe(true);
    expect(isBusinessAdmin(business, 'm1')).toBe(false);
    expect(isBusinessAdmin(business, 'stranger')).toBe(false);
    expect(isBusinessAdmin(undefined, 'a1')).toBe(false);
  });
});

describe('referenceNumberLabel', () => {
  it('prefers the business setting over the profile (I4)', () => {
    expect(referenceNumberLabel('Booking number', 'Order number')).toBe('Booking number');
    expect(referenceNumberLabel(undefined, 'Order number')).toBe('Order number');
    expect(referenceNumberLabel(undefined, undefined)).toBeUndefined();
  });
});
