import { formatFromContentType, negotiateImageFormat } from '../../src/image/accept';

describe('Accept negotiation', () => {
  it.each([
    [undefined, 'png'],
    ['', 'png'],
    ['*/*', 'png'],
    ['image/*', 'png'],
    ['image/webp', 'webp'],
    ['image/jpeg', 'jpeg'],
    ['image/jpeg;q=0.5, image/webp', 'webp'],
    ['image/webp;q=0.8, image/png;q=0.9', 'png'],
    ['image/webp, image/*;q=0.1', 'webp'],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'png'],
    ['image/png;q=0, */*', 'jpeg'],
    ['IMAGE/WEBP', 'webp'],
  ] as const)('Accept %p -> %s', (accept, want) => {
    expect(negotiateImageFormat(accept)).toBe(want);
  });

  it.each(['application/json', 'image/gif', 'image/*;q=0', 'image/png;q=0, image/jpeg;q=0, image/webp;q=0'])(
    'accepts none of ours for %p (the daemon answers 406)',
    (accept) => {
      expect(negotiateImageFormat(accept)).toBeUndefined();
    },
  );

  it('reads the format a Content-Type names, ignoring parameters and case', () => {
    expect(formatFromContentType('image/png')).toBe('png');
    expect(formatFromContentType('Image/JPEG; charset=binary')).toBe('jpeg');
    expect(formatFromContentType('image/webp')).toBe('webp');
    expect(formatFromContentType('image/gif')).toBeUndefined();
    expect(formatFromContentType(undefined)).toBeUndefined();
  });
});
