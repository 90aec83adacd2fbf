/**
 * What activate() returns under the extension tests (ExtensionMode.Test) only: a small
 * read-only view of the extension's state for the real-VS Code tests (the harness only
 * reaches the extension host, not the webview). A user's VS Code gets nothing.
 */
import type { DashboardState } from '../protocol';
import type { RenderedReport } from './dashboard/dashboardPanel';
import type { ExplorerRendered } from './explorer/explorerPanel';
import type { ShownMessage } from './notifications';

export interface ActiveTrainingView {
  experimentPath: string;
  runDir: string | null;
  stopping: boolean;
}

export interface SemanticIdsApi {
  /** Trainings the engine is running now. */
  activeTrainings(): ActiveTrainingView[];
  /** Messages shown to the user, oldest first. */
  shownMessages(): readonly ShownMessage[];
  /** The status bar item's text. */
  statusText(): string;
  /** Whether the status bar item is shown (only in workspaces with experiment files, or while training). */
  statusVisible(): boolean;
  /** The dashboard's state as the host holds it, and what the webview reported rendering. */
  dashboard(): { open: boolean; state: DashboardState; rendered: RenderedReport | undefined };
  /** The explorer panel and what its webview last reported. */
  explorer(): { open: boolean; rendered: ExplorerRendered | undefined };
  /** Where "Install GPU Engine" puts packages (the engine's SEMID_MODULE_PATHS). */
  gpuEngineDir(): string;
}
