import { readStateDict } from '@gc-edge/exporter';
import { gcErrorOf } from '../../../../test/support/gc-error';
import { PickleWriter } from './pickle-writer';

describe('format sniffing', () => {
  it('refuses an unknown format by listing the supported ones', () => {
    const err = gcErrorOf(() => readStateDict(Buffer.from('hello, weights'), 'w.bin'));
    expect(err.code).toBe('E_WEIGHTS_FORMAT');
    expect(err.message).toBe('w.bin: unrecognised weights format (first bytes: 68 65 6c 6c 6f 2c 20 77)');
    expect(err.hint).toBe('supported formats: PyTorch .pth zip format (torch >= 1.6), PyTorch legacy .pth (torch < 1.6), .safetensors');
  });

  it('refuses an empty file', () => {
    expect(gcErrorOf(() => readStateDict(new Uint8Array(0), 'w.pth')).message).toMatch(/first bytes: none, the file is empty/);
  });

  it('tells a plain pickle.dump apart from torch.save', () => {
    const err = gcErrorOf(() => readStateDict(new PickleWriter().proto(2).emptyDict().stop().bytes(), 'w.pkl'));
    expect(err.message).toBe("w.pkl: a pickle without torch.save's magic number (a plain pickle.dump?)");
  });

  it('names the pre-0.4 tar format', () => {
    const tar = new Uint8Array(1024);
    tar.set(Buffer.from('ustar'), 257);
    expect(gcErrorOf(() => readStateDict(tar, 'ancient.pth')).message).toMatch(/a tar archive \(the torch < 0\.4 format\)/);
  });
});
