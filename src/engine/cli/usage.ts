/** A bad command line: printed with the command's usage text, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose usage to show; null: the overview. */
    readonly command: CommandName | null = null,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export { EXIT } from '../../protocol/exitCodes';

export type CommandName = 'train' | 'ids' | 'inspect' | 'sweep' | 'export' | 'eval' | 'compare';

const FOOTER = `Progress and summaries go to stderr; stdout carries only the result.
Exit codes: 0 completed, 1 failed, 2 invalid experiment or arguments, 130 interrupted.`;

/** `semid <command> --help`. */
export const COMMAND_USAGE: Record<CommandName, string> = {
  train: `usage: semid train <experiment.yaml> [--set k=v]... [--out DIR] [--resume RUN_DIR] [--backend B]

Trains the experiment; the last stdout line is the new run directory.
  --set k=v         override a key of the file (repeatable), e.g. --set train.steps=200
  --out DIR         output.dir for this run (default: the file's output.dir)
  --resume RUN_DIR  continue an interrupted run from its last checkpoint, with its own config
  --backend B       auto | gpu | native | wasm | cpu (default: the file's engine.backend)

${FOOTER}`,
  ids: `usage: semid ids <run-dir> [--items FILE] [--embeddings FILE] [--out FILE] [--backend B]

Semantic IDs from a completed run's model, one JSON line per item. Items the run
already has keep their IDs; new items get codes from the model and the next free digit.
  --items FILE       catalog of the items (default: the run's own catalog)
  --embeddings FILE  their embeddings (.jsonl, .csv, .f32, .npy)
  --out FILE         write there instead of stdout

${FOOTER}`,
  inspect: `usage: semid inspect <run-dir> (--prefix 12-4 | --item ID) [--limit N] [--json]

Items under an ID prefix, or one item and its neighbours at each depth.
  --prefix P   leading codes: 12-4, 12/4 or <a_12><b_4>
  --item ID    an item id of the run's catalog
  --limit N    items listed per group
  --json       the report as JSON on stdout

${FOOTER}`,
  sweep: `usage: semid sweep <experiment.yaml> [--seeds N] [--set k=v]...

Runs the file's variants (or grid) x seeds train.seed+0..N-1, one run after another;
run it again to continue (finished runs are kept, an interrupted one resumes).
The last stdout line is the sweep's comparison.json.

${FOOTER}`,
  export: `usage: semid export <run-dir> [--format onnx] [--out DIR]

The run's tokenizer as one ONNX graph (float32 embeddings [N, D] -> int64 codes [N, L])
and tokenizer.json (levels, code sizes, digit rule; tf-idf runs: the featurizer).
  --format onnx   the only format
  --out DIR       where to write (default <run-dir>/export); the last stdout line
                  is that directory

${FOOTER}`,
  eval: `usage: semid eval <run-dir> [--set eval.key=value]... [--backend B] [--resume]

Retrieval evaluation of a completed run's IDs (TIGER protocol): trains the generative
retriever (and the baselines of eval.baselines) on the run's data.interactions and
writes eval.json; the last stdout line is its path.
  --set eval.k=v    override an eval.* key (repeatable), e.g. --set eval.retrieval.minutes=5
  --backend B       auto | gpu | native | wasm | cpu (default: the run's engine.backend)
  --resume          continue the evaluation Ctrl-C interrupted (exit 130), from its
                    checkpoint, with the same --set, backend and input files;
                    the results equal an uninterrupted evaluation's when training
                    ends by epochs or patience, not when the eval.retrieval.minutes
                    wall-clock cap (default 20) ends it

${FOOTER}`,
  compare: `usage: semid compare <run-a> <run-b> [--model M] [--model-b M] [--split valid|test] [--samples N] [--json]

Pairs two evaluated runs user by user: per metric, B - A with a paired-bootstrap 95%
interval and a p-value.
  --model M     retriever | sasrec | popularity (default retriever), for both runs
  --model-b M   another model for run B
  --split S     test (default) or valid
  --samples N   bootstrap resamples (default 2000)
  --json        the comparison as JSON

${FOOTER}`,
};

export const USAGE = `semid — RQ-VAE semantic IDs

usage:
  semid train <experiment.yaml> [--set k=v]... [--out DIR] [--resume RUN_DIR] [--backend B]
      --resume continues an interrupted run: give the same file, --set and --out
  semid ids <run-dir> [--items FILE] [--embeddings FILE] [--out FILE]
  semid inspect <run-dir> (--prefix 12-4 | --item ID) [--limit N] [--json]
  semid export <run-dir> [--format onnx] [--out DIR]
      the tokenizer as model.onnx (embeddings [N, D] -> codes [N, L]) + tokenizer.json
  semid sweep <experiment.yaml> [--seeds N] [--set k=v]...
  semid eval <run-dir> [--set eval.key=value]... [--backend B] [--resume]
  semid compare <run-a> <run-b> [--model M] [--model-b M] [--split valid|test] [--json]
  semid <command> --help
  semid --version

${FOOTER}`;

/** `--help` or `-h` among a command's arguments. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}
