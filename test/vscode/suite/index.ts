/**
 * Extension-tests entry: VS Code (desktop or code-server) loads this module inside the
 * extension host and awaits run(). It runs mocha over the compiled *.test.js files that
 * sit beside it, so both harnesses (runInCodeServer, runElectron) share one suite.
 */
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/** Test files compiled next to this entry, sorted so the run order is stable. */
function findTestFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTestFiles(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

export function run(): Promise<void> {
  // Colours would reach the log relay as raw escape codes; grep lets one file be run alone.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000, grep: process.env.SEMID_TEST_GREP });
  const files = findTestFiles(__dirname);
  for (const file of files) mocha.addFile(file);
  return new Promise((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files under ${__dirname}`));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} extension test(s) failed`));
        else resolve();
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
