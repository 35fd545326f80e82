import { describe, expect, it } from 'vitest';
import { COMMANDS, Ins, IsoIns, commandSpec, headerLengthFor, type InsKey } from './commands.js';
import { resolveMode } from './mode.js';

describe('command table', () => {
  it('has unique INS bytes', () => {
    const codes = Object.values(Ins);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has unique ISO instruction bytes', () => {
    const codes = Object.values(IsoIns);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has one spec per Ins, keyed by its own byte', () => {
    expect(COMMANDS.size).toBe(Object.keys(Ins).length);
    for (const key of Object.keys(Ins) as InsKey[]) {
      const spec = commandSpec(Ins[key]);
      expect(spec, key).toBeDefined();
      expect(spec?.ins).toBe(Ins[key]);
    }
  });

  it('names commands as the data sheet does', () => {
    expect(commandSpec(0xc7)?.name).toBe('commitTransaction');
    expect(commandSpec(0x1c)?.name).toBe('limitedCredit');
    expect(commandSpec(0xad)?.name).toBe('readData');
    expect(commandSpec(0x00)).toBeUndefined();
  });

  it('splits the never-encrypted header (AN12343 §4.1)', () => {
    const write = commandSpec(Ins.WriteData);
    if (write === undefined) throw new Error('missing spec');
    expect(headerLengthFor(write, new Uint8Array(10))).toBe(7);
    expect(headerLengthFor(write, new Uint8Array(6))).toBeUndefined();
    const create = commandSpec(Ins.CreateApplication);
    if (create === undefined) throw new Error('missing spec');
    expect(headerLengthFor(create, new Uint8Array(5))).toBe(5);
  });
});

describe('resolveMode', () => {
  const spec = (ins: number) => {
    const s = commandSpec(ins);
    if (s === undefined) throw new Error('missing spec');
    return s;
  };
  it('EV2 MACs management commands both ways (AN12196 GetFileSettings)', () => {
    expect(resolveMode({ spec: spec(Ins.GetFileSettings), scheme: 'ev2', direction: 'command' })).toBe('mac');
    expect(resolveMode({ spec: spec(Ins.GetFileSettings), scheme: 'ev2', direction: 'response' })).toBe('mac');
  });
  it('EV1 only appends a command CMAC to file data in MAC mode', () => {
    expect(resolveMode({ spec: spec(Ins.GetVersion), scheme: 'ev1', direction: 'command' })).toBe('plain');
    expect(resolveMode({ spec: spec(Ins.GetVersion), scheme: 'ev1', direction: 'response' })).toBe('mac');
    expect(resolveMode({ spec: spec(Ins.WriteData), scheme: 'ev1', direction: 'command', fileMode: 'mac' })).toBe('mac');
    expect(resolveMode({ spec: spec(Ins.ReadData), scheme: 'ev1', direction: 'command', fileMode: 'full' })).toBe('plain');
  });
  it('D40 leaves management commands plain and file writes answered plain', () => {
    expect(resolveMode({ spec: spec(Ins.GetKeySettings), scheme: 'd40', direction: 'response' })).toBe('plain');
    expect(resolveMode({ spec: spec(Ins.WriteData), scheme: 'd40', direction: 'response', fileMode: 'mac' })).toBe('plain');
    expect(resolveMode({ spec: spec(Ins.ReadData), scheme: 'd40', direction: 'response', fileMode: 'mac' })).toBe('mac');
  });
  it('maps file-no-data directions to MAC only (EV2 ReadData in full mode)', () => {
    expect(resolveMode({ spec: spec(Ins.ReadData), scheme: 'ev2', direction: 'command', fileMode: 'full' })).toBe('mac');
    expect(resolveMode({ spec: spec(Ins.WriteData), scheme: 'ev2', direction: 'response', fileMode: 'plain' })).toBe('plain');
  });
  it('requires a file mode for file commands', () => {
    expect(() => resolveMode({ spec: spec(Ins.ReadData), scheme: 'ev2', direction: 'response' })).toThrow(TypeError);
  });
});
