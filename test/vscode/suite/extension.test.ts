/** The extension loads in a real VS Code, activates, and registers its commands. */
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';

const EXTENSION_ID = 'semid.semantic-id-studio';

// Listed here, not imported from the extension, so the test states the contract itself.
const EXPECTED_COMMANDS: Record<string, string> = {
  'semid.train': 'Train RQVAE',
  'semid.stop': 'Stop Training',
  'semid.openDashboard': 'Open Training Dashboard',
  'semid.inspectItem': 'Inspect Item by Semantic ID',
};

interface ContributedCommand {
  command: string;
  title: string;
}

function getExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not installed in the test host`);
  return extension;
}

describe('extension', () => {
  it('is found by its id and activates', async () => {
    const extension = getExtension();
    await extension.activate();
    assert.equal(extension.isActive, true);
  });

  it('registers every command', async () => {
    await getExtension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = Object.keys(EXPECTED_COMMANDS).filter((id) => !registered.has(id));
    assert.deepEqual(missing, []);
  });

  it('contributes every command with its title in the manifest', () => {
    const contributes = (getExtension().packageJSON as { contributes?: { commands?: ContributedCommand[] } })
      .contributes;
    const titles = Object.fromEntries((contributes?.commands ?? []).map((c) => [c.command, c.title]));
    for (const [id, title] of Object.entries(EXPECTED_COMMANDS)) {
      assert.equal(titles[id], title, `package.json contributes.commands for ${id}`);
    }
  });

  it('answers a placeholder command without throwing', async () => {
    await getExtension().activate();
    await vscode.commands.executeCommand('semid.stop');
  });
});
