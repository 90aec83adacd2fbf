/**
 * Fixture runs record their paths with `@REPO@` for the repository root they were
 * made in. A copied fixture folder gets them rewritten: each `moved` prefix (a fixture
 * folder, e.g. `@REPO@/test/fixtures/sweep`) becomes the copy's path, and what is left
 * of `@REPO@` becomes this checkout's root.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function rewriteRecordedPaths(dir: string, repoRoot: string, moved: Record<string, string>): void {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) rewriteRecordedPaths(file, repoRoot, moved);
    else if (/\.(json|jsonl|yaml|md)$/.test(name)) {
      let text = readFileSync(file, 'utf8');
      if (!text.includes('@REPO@')) continue;
      for (const [from, to] of Object.entries(moved)) text = text.split(from).join(to);
      writeFileSync(file, text.split('@REPO@').join(repoRoot));
    }
  }
}
