/**
 * Entry of the scope suite: a workspace without `*.rqvae.yaml` files
 * (test/vscode/workspace-scope). Same mocha runner as the main suite, over the
 * *.test.js files beside this one.
 */
export { run } from '../suite/index';
