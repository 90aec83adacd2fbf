/**
 * A webview page: a strict CSP (nothing but our nonce'd script bundle and our
 * stylesheets, no inline handlers, no eval), resources only from dist/webview and media.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/** The page of bundle `dist/webview/<bundle>.js` with its `<bundle>.css` (esbuild's) and media/<bundle>.css. */
/**
 * `testSession` (ExtensionMode.Test only) marks the body with data-test-session: only
 * then does a webview post its `rendered` reports, which exist for the extension tests.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, bundle: string, title: string, testSession: boolean): string {
  const nonce = randomBytes(16).toString('base64');
  const uri = (...parts: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${uri('dist', 'webview', `${bundle}.css`)}">
<link rel="stylesheet" href="${uri('media', `${bundle}.css`)}">
<title>${title}</title>
</head>
<body${testSession ? ' data-test-session="true"' : ''}>
<main id="app"><p class="placeholder">Loading…</p></main>
<script nonce="${nonce}" src="${uri('dist', 'webview', `${bundle}.js`)}"></script>
</body>
</html>`;
}

export function dashboardHtml(webview: vscode.Webview, extensionUri: vscode.Uri, testSession: boolean): string {
  return webviewHtml(webview, extensionUri, 'dashboard', 'Training Dashboard', testSession);
}
