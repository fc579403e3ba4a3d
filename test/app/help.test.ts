import { describe, expect, it } from 'vitest';
import { commands, type CommandId } from '../../src/app/commands';
import { shortcutRows } from '../../src/app/help';
import { keysOf } from '../../src/app/keyboard';

describe('the shortcut list', () => {
  it('has one row for every command with a key, and only those', () => {
    const withKeys = (Object.keys(commands) as CommandId[]).filter((id) => keysOf(id).length > 0);
    expect(shortcutRows().map((row) => row.id)).toEqual(withKeys);
    expect(withKeys).toEqual(expect.arrayContaining(['togglePlay', 'stepForward', 'stepBack', 'jumpForward', 'jumpBack', 'faster', 'slower', 'seekStart', 'seekEnd', 'toggleHelp']));
  });

  it('names each command by its label and shows every one of its keys as printed on a keycap', () => {
    const rows = Object.fromEntries(shortcutRows().map((row) => [row.id, row]));
    expect(rows.togglePlay).toEqual({ id: 'togglePlay', label: 'Play / pause', keys: ['Space'] });
    expect(rows.jumpBack!.keys).toEqual(['Shift+←']);
    expect(rows.faster!.keys).toEqual(['+', '=']);
  });
});
