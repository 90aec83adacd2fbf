/**
 * Workspace trust (package.json: untrustedWorkspaces "limited"): viewing runs works
 * anywhere; running code on the workspace's behalf (training, sweeps, npm installs)
 * needs a trusted workspace.
 */
import * as vscode from 'vscode';
import type { Notifications } from './notifications';

const MANAGE = 'Manage Workspace Trust';

/** True when trusted; otherwise explains the refusal and returns false. */
export function requireTrust(notifications: Notifications, action: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void notifications
    .warning(
      `${action} is not available in Restricted Mode: it runs the training engine (or npm) on this workspace's files. ` +
        'Trust the workspace to enable it; viewing runs, the dashboard and Inspect work without trust.',
      MANAGE,
    )
    .then((choice) => {
      if (choice === MANAGE) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  return false;
}
