/** The lazy command table: what `--help` shows without loading a command matches what the command registers. */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../main.js';
import { commands } from './index.js';

describe('the command table', () => {
  it('has the description and kind each command module registers', async () => {
    for (const entry of commands) {
      const program = new Command('colossus');
      (await entry.load())(program);
      const real = program.commands.find((c) => c.name() === entry.name);
      expect(real, entry.name).toBeDefined();
      expect(real!.description(), entry.name).toBe(entry.description);
      expect(real!.commands.length > 0, `${entry.name} groups sub-commands`).toBe(Boolean(entry.group));
    }
  });

  it('lists every command once, in the same order, whether loaded or stubbed', async () => {
    const names = commands.map((e) => e.name);
    const stubbed = await buildProgram();
    const full = await buildProgram({ all: true });
    expect(stubbed.commands.map((c) => c.name())).toEqual(names);
    expect(full.commands.map((c) => c.name())).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
    expect(stubbed.helpInformation()).toBe(full.helpInformation());
  });
});
