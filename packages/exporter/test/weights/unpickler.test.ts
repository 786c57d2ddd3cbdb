import { readStateDict } from '@gc-edge/exporter';
import { gcErrorOf } from '../../../../test/support/gc-error';
import { PickleWriter } from './pickle-writer';
import { f32, legacyFile, stateDictPickle, zipFile, type StorageSpec } from './torch-files';

const ONE: StorageSpec[] = [{ key: '0', type: 'FloatStorage', numel: 2, data: f32([1, 2]) }];

/** A zip-format file whose data.pkl is `pkl` (and one float storage '0'). */
function withPickle(pkl: Uint8Array): Uint8Array {
  return zipFile(pkl, ONE);
}

function loadError(pkl: Uint8Array) {
  return gcErrorOf(() => readStateDict(withPickle(pkl), 'supernet.pth'));
}

describe('restricted unpickler', () => {
  it('refuses a pickle that imports os.system, naming the global', () => {
    const pkl = new PickleWriter().proto(2).global('os', 'system').str('echo pwned').raw(0x85).reduce().stop().bytes();
    const err = loadError(pkl);
    expect(err.code).toBe('E_PICKLE_GLOBAL');
    expect(err.message).toBe('supernet.pth: archive/data.pkl imports os.system, which a state_dict never needs (GLOBAL at byte 2)');
    expect(err.hint).toMatch(/weights_only/);
  });

  it('refuses builtins.eval imported with STACK_GLOBAL (protocol 4)', () => {
    const pkl = new PickleWriter().proto(4).stackGlobal('builtins', 'eval').str('1+1').raw(0x85).reduce().stop().bytes();
    const err = loadError(pkl);
    expect(err.code).toBe('E_PICKLE_GLOBAL');
    expect(err.message).toMatch(/^supernet\.pth: archive\/data\.pkl imports builtins\.eval, which a state_dict never needs \(STACK_GLOBAL at byte \d+\)$/);
  });

  it('refuses subprocess.Popen hidden inside an otherwise valid state_dict', () => {
    const good = stateDictPickle('zip', ONE, [{ name: 'w', storage: '0', size: [2] }]);
    // replace the trailing SETITEMS STOP with: 'evil' -> subprocess.Popen(('ls',)), then SETITEMS STOP
    const evil = new PickleWriter()
      .str('evil')
      .global('subprocess', 'Popen')
      .str('ls')
      .raw(0x85)
      .raw(0x85)
      .reduce()
      .setitems()
      .stop()
      .bytes();
    const pkl = Buffer.concat([good.subarray(0, good.length - 2), evil]);
    const err = loadError(pkl);
    expect(err.code).toBe('E_PICKLE_GLOBAL');
    expect(err.message).toMatch(/imports subprocess\.Popen, which a state_dict never needs/);
  });

  it('refuses a disallowed global even when it is never called', () => {
    const pkl = new PickleWriter().proto(2).global('posix', 'system').raw(0x30).emptyDict().stop().bytes();
    expect(loadError(pkl).code).toBe('E_PICKLE_GLOBAL');
  });

  it('refuses calling an allowed non-function (a storage type) with REDUCE', () => {
    const pkl = new PickleWriter().proto(2).global('torch', 'FloatStorage').emptyTuple().reduce().stop().bytes();
    const err = loadError(pkl);
    expect(err.code).toBe('E_WEIGHTS_FORMAT');
    expect(err.message).toBe(
      'supernet.pth: archive/data.pkl byte 23 (REDUCE (0x52)): calls a torch.FloatStorage, which is not an allowed function',
    );
  });

  it('reports an unknown opcode with its byte offset', () => {
    const err = loadError(new PickleWriter().proto(2).emptyDict().raw(0xff).stop().bytes());
    expect(err.message).toBe('supernet.pth: archive/data.pkl byte 3 (0xff): opcode is not supported in a weights file');
  });

  it('refuses INST, the protocol-0 way to instantiate a class', () => {
    const pkl = new PickleWriter().proto(2).mark().raw(0x69, ...Buffer.from('os\nsystem\n')).stop().bytes();
    expect(loadError(pkl).message).toMatch(/byte 3 \(INST \(0x69\)\): opcode is not supported/);
  });

  it('checks a 4 GiB string length against the bytes left before allocating', () => {
    const pkl = new PickleWriter().proto(2).raw(0x58, 0xff, 0xff, 0xff, 0xff, 0x41).stop().bytes();
    expect(loadError(pkl).message).toMatch(/byte 2 \(BINUNICODE \(0x58\)\): needs 4294967295 more bytes but the data ends at byte 9/);
  });

  it('checks an 8-byte BINBYTES8 length against the bytes left', () => {
    const pkl = new PickleWriter().proto(4).raw(0x8e, 0, 0, 0, 0, 0, 0, 0, 0x40).stop().bytes();
    expect(loadError(pkl).message).toMatch(/BINBYTES8 \(0x8e\)\): needs \d+ more bytes/);
  });

  it('refuses an integer too long to be a size (LONG4 of 2^31-1 bytes)', () => {
    const pkl = new PickleWriter().proto(2).raw(0x8b, 0xff, 0xff, 0xff, 0x7f).stop().bytes();
    expect(loadError(pkl).message).toMatch(/integer of 2147483647 bytes is too large/);
  });

  it('refuses a memo lookup of a slot never stored', () => {
    expect(loadError(new PickleWriter().proto(2).get(7).stop().bytes()).message).toMatch(/byte 2 \(BINGET \(0x68\)\): memo slot 7 was never stored/);
  });

  it('refuses popping past a MARK', () => {
    expect(loadError(new PickleWriter().proto(2).emptyDict().mark().raw(0x85).stop().bytes()).message).toMatch(/TUPLE1 \(0x85\)\): stack underflow/);
  });

  it('reports a pickle cut before its STOP opcode', () => {
    const err = loadError(new PickleWriter().proto(2).emptyDict().bytes());
    expect(err.message).toBe('supernet.pth: archive/data.pkl: pickle ends at byte 3 without a STOP opcode');
  });

  it('refuses a negative stride in _rebuild_tensor_v2', () => {
    const pkl = new PickleWriter()
      .proto(2)
      .emptyDict()
      .str('w')
      .global('torch._utils', '_rebuild_tensor_v2')
      .mark()
      .mark().str('storage').global('torch', 'FloatStorage').str('0').str('cpu').int(2).tuple().binpersid()
      .int(0).ints([2]).mark().raw(0x4a, 0xff, 0xff, 0xff, 0xff).tuple().bool(false).none()
      .tuple().reduce().setitem().stop().bytes();
    expect(loadError(pkl).message).toMatch(/torch\._utils\._rebuild_tensor_v2: stride\[0\] is -1, expected a non-negative int/);
  });

  it('refuses a whole-module pickle in the legacy format by the class it imports', () => {
    const pkl = new PickleWriter().proto(2).global('models.networks', 'MobileResnetGenerator').raw(0x29, 0x81).stop().bytes();
    const err = gcErrorOf(() => readStateDict(legacyFile(pkl, []), 'latest_net_G.pth'));
    expect(err.code).toBe('E_PICKLE_GLOBAL');
    expect(err.message).toMatch(/^latest_net_G\.pth: pickle at byte \d+ imports models\.networks\.MobileResnetGenerator, which a state_dict never needs/);
  });
});
