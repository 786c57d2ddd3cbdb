/**
 * A restricted unpickler for the binary opcodes torch.save emits (protocols 2-5). Nothing in the
 * file is executed: GLOBAL only resolves names through an allow-list whose behaviour is written in
 * TypeScript, REDUCE/NEWOBJ only call those, BUILD only accepts plain state. Every length is
 * checked against the bytes left before anything is allocated, every opcode consumes input, so a
 * hostile pickle ends in a GcError, never a hang.
 */
import { GcError } from '@gc-edge/core';
import { OP, opName } from './opcodes';
import { PickleReader } from './reader';
import { describe, PyGlobal, PyTuple, Rejected, TensorRef, type PyValue } from './values';

export interface UnpickleHooks {
  /** The allowed global for `module.name`, or undefined to refuse it. */
  findGlobal(module: string, name: string): PyGlobal | undefined;
  /** Resolves a BINPERSID id (torch: storages); throw Rejected for a bad id. */
  persistentLoad?(pid: PyValue): PyValue;
}

interface Unpickled {
  value: PyValue;
  /** Offset just past the STOP opcode: where the next pickle in the stream starts. */
  end: number;
}

const GLOBAL_HINT =
  'gc-edge unpickles only tensors, storages and plain containers (like torch.load(..., weights_only=True)); ' +
  'if you trust the file, load it in Python and re-save torch.save(model.state_dict(), path) or as .safetensors';

/**
 * Unpickles one pickle starting at `start`. `label` names it in errors, e.g. `supernet.pth: data.pkl`.
 */
export function unpickle(bytes: Uint8Array, start: number, label: string, hooks: UnpickleHooks): Unpickled {
  return new Machine(bytes, start, label, hooks).run();
}

class Machine {
  private readonly r: PickleReader;
  private opAt = 0;
  private op = 0;
  private stack: PyValue[] = [];
  private marks: number[] = [];
  private memo = new Map<number, PyValue>();

  constructor(
    bytes: Uint8Array,
    start: number,
    private readonly label: string,
    private readonly hooks: UnpickleHooks,
  ) {
    this.r = new PickleReader(bytes, start, (what) => this.fail(what));
  }

  private fail(what: string): GcError {
    return new GcError('E_WEIGHTS_FORMAT', `${this.label} byte ${this.opAt} (${opName(this.op)}): ${what}`, {
      hint: 'the file is damaged or was not written by torch.save',
    });
  }

  private pop(): PyValue {
    const floor = this.marks.at(-1) ?? 0;
    const v = this.stack.length > floor ? this.stack.pop() : undefined;
    if (v === undefined) throw this.fail('stack underflow');
    return v;
  }
  private top(): PyValue {
    const floor = this.marks.at(-1) ?? 0;
    const v = this.stack.length > floor ? this.stack.at(-1) : undefined;
    if (v === undefined) throw this.fail('stack underflow');
    return v;
  }
  private popMark(): PyValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) throw this.fail('no MARK to pop to');
    return this.stack.splice(mark);
  }
  private push(v: PyValue): void {
    this.stack.push(v);
  }

  private global(module: string, name: string): PyGlobal {
    const g = this.hooks.findGlobal(module, name);
    if (!g) {
      throw new GcError(
        'E_PICKLE_GLOBAL',
        `${this.label} imports ${module}.${name}, which a state_dict never needs (${opName(this.op).split(' ')[0]} at byte ${this.opAt})`,
        { hint: GLOBAL_HINT },
      );
    }
    return g;
  }

  private call(fn: PyValue, args: PyValue): PyValue {
    if (!(fn instanceof PyGlobal) || fn.what.kind !== 'callable') {
      throw this.fail(`calls a ${describe(fn)}, which is not an allowed function`);
    }
    if (!(args instanceof PyTuple)) throw this.fail(`arguments to ${fn.qualified} are a ${describe(args)}, expected a tuple`);
    try {
      return fn.what.call(args.items);
    } catch (e) {
      if (e instanceof Rejected) throw this.fail(`${fn.qualified}: ${e.message}`);
      throw e;
    }
  }

  private setItems(target: PyValue, flat: PyValue[]): void {
    if (!(target instanceof Map)) throw this.fail(`sets items on a ${describe(target)}, expected a dict`);
    if (flat.length % 2) throw this.fail(`odd number of items (${flat.length}) for key/value pairs`);
    for (let i = 0; i < flat.length; i += 2) {
      const key = flat[i]!;
      if (Array.isArray(key) || key instanceof Map) throw this.fail(`unhashable ${describe(key)} used as a dict key`);
      target.set(key, flat[i + 1]!);
    }
  }

  private append(target: PyValue, items: PyValue[]): void {
    if (!Array.isArray(target)) throw this.fail(`appends to a ${describe(target)}, expected a list`);
    for (const item of items) target.push(item);
  }

  private memoGet(index: number): PyValue {
    const v = this.memo.get(index);
    if (v === undefined) throw this.fail(`memo slot ${index} was never stored`);
    return v;
  }

  run(): Unpickled {
    const r = this.r;
    const b = r.bytes;
    for (;;) {
      if (r.pos >= b.length) {
        this.opAt = r.pos;
        throw new GcError('E_WEIGHTS_FORMAT', `${this.label}: pickle ends at byte ${b.length} without a STOP opcode`, {
          hint: 'the file is truncated',
        });
      }
      this.opAt = r.pos;
      this.op = b[r.pos++]!;
      switch (this.op) {
        case OP.PROTO: {
          const v = this.r.u8();
          if (v > 5) throw this.fail(`pickle protocol ${v} is newer than 5`);
          break;
        }
        case OP.FRAME: {
          const n = this.r.u64();
          if (n > b.length - r.pos) throw this.fail(`frame of ${n} bytes runs past the end of the data (byte ${b.length})`);
          break;
        }
        case OP.STOP:
          return { value: this.pop(), end: r.pos };
        case OP.MARK:
          this.marks.push(this.stack.length);
          break;
        case OP.POP:
          if (this.marks.length && this.stack.length === this.marks[this.marks.length - 1]) this.popMark();
          else this.pop();
          break;
        case OP.POP_MARK:
          this.popMark();
          break;
        case OP.DUP:
          this.push(this.top());
          break;
        case OP.GLOBAL: {
          const module = this.r.line();
          const name = this.r.line();
          this.push(this.global(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.pop();
          const module = this.pop();
          if (typeof name !== 'string' || typeof module !== 'string') {
            throw this.fail(`module and name must be str, got ${describe(module)} and ${describe(name)}`);
          }
          this.push(this.global(module, name));
          break;
        }
        case OP.BINPUT:
          this.memo.set(this.r.u8(), this.top());
          break;
        case OP.LONG_BINPUT:
          this.memo.set(this.r.u32(), this.top());
          break;
        case OP.MEMOIZE:
          this.memo.set(this.memo.size, this.top());
          break;
        case OP.BINGET:
          this.push(this.memoGet(this.r.u8()));
          break;
        case OP.LONG_BINGET:
          this.push(this.memoGet(this.r.u32()));
          break;
        case OP.EMPTY_DICT:
          this.push(new Map());
          break;
        case OP.EMPTY_LIST:
          this.push([]);
          break;
        case OP.EMPTY_TUPLE:
          this.push(new PyTuple([]));
          break;
        case OP.TUPLE:
          this.push(new PyTuple(this.popMark()));
          break;
        case OP.TUPLE1: {
          const a = this.pop();
          this.push(new PyTuple([a]));
          break;
        }
        case OP.TUPLE2: {
          const y = this.pop();
          const x = this.pop();
          this.push(new PyTuple([x, y]));
          break;
        }
        case OP.TUPLE3: {
          const z = this.pop();
          const y = this.pop();
          const x = this.pop();
          this.push(new PyTuple([x, y, z]));
          break;
        }
        case OP.LIST:
          this.push(this.popMark());
          break;
        case OP.DICT: {
          const d = new Map<PyValue, PyValue>();
          this.setItems(d, this.popMark());
          this.push(d);
          break;
        }
        case OP.BINUNICODE:
          this.push(this.r.utf8(this.r.u32()));
          break;
        case OP.SHORT_BINUNICODE:
          this.push(this.r.utf8(this.r.u8()));
          break;
        case OP.BINUNICODE8:
          this.push(this.r.utf8(this.r.u64()));
          break;
        case OP.BINSTRING: {
          const n = this.r.i32();
          if (n < 0) throw this.fail(`negative string length ${n}`);
          this.push(this.r.py2str(n));
          break;
        }
        case OP.SHORT_BINSTRING:
          this.push(this.r.py2str(this.r.u8()));
          break;
        case OP.BINBYTES:
          this.push(this.r.slice(this.r.u32()));
          break;
        case OP.SHORT_BINBYTES:
          this.push(this.r.slice(this.r.u8()));
          break;
        case OP.BINBYTES8:
        case OP.BYTEARRAY8:
          this.push(this.r.slice(this.r.u64()));
          break;
        case OP.BININT:
          this.push(this.r.i32());
          break;
        case OP.BININT1:
          this.push(this.r.u8());
          break;
        case OP.BININT2:
          this.push(this.r.u16());
          break;
        case OP.LONG1:
          this.push(this.r.long(this.r.u8()));
          break;
        case OP.LONG4:
          this.push(this.r.long(this.r.i32()));
          break;
        case OP.BINFLOAT:
          this.push(this.r.f64be());
          break;
        case OP.NONE:
          this.push(null);
          break;
        case OP.NEWTRUE:
          this.push(true);
          break;
        case OP.NEWFALSE:
          this.push(false);
          break;
        case OP.REDUCE: {
          const args = this.pop();
          const fn = this.pop();
          this.push(this.call(fn, args));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.pop();
          const cls = this.pop();
          this.push(this.call(cls, args));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = this.pop();
          const args = this.pop();
          const cls = this.pop();
          if (!(kwargs instanceof Map) || kwargs.size) throw this.fail('keyword arguments are not supported');
          this.push(this.call(cls, args));
          break;
        }
        case OP.BUILD: {
          const state = this.pop();
          const target = this.top();
          // Only plain state on containers and tensors (an OrderedDict's `_metadata`, a
          // Parameter's attributes): recorded nowhere, since a state_dict never needs it.
          if (!(target instanceof Map) && !(target instanceof TensorRef)) {
            throw this.fail(`sets state on a ${describe(target)}, which is not allowed`);
          }
          if (state !== null && !(state instanceof Map) && !(state instanceof PyTuple)) {
            throw this.fail(`state is a ${describe(state)}, expected a dict`);
          }
          break;
        }
        case OP.SETITEM: {
          const value = this.pop();
          const key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case OP.SETITEMS: {
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }
        case OP.APPEND: {
          const item = this.pop();
          this.append(this.top(), [item]);
          break;
        }
        case OP.APPENDS: {
          const items = this.popMark();
          this.append(this.top(), items);
          break;
        }
        case OP.BINPERSID: {
          const pid = this.pop();
          if (!this.hooks.persistentLoad) throw this.fail('persistent ids are not expected in this pickle');
          try {
            this.push(this.hooks.persistentLoad(pid));
          } catch (e) {
            if (e instanceof Rejected) throw this.fail(`persistent id: ${e.message}`);
            throw e;
          }
          break;
        }
        default:
          throw this.fail('opcode is not supported in a weights file');
      }
    }
  }
}
