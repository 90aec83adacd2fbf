/** Collaborative pair mining (seed method, item 1): contexts, association scores, mining, sampling, files. */
export * from './association';
export * from './contexts';
export * from './minePairs';
export * from './pairSampler';
export * from './pairsFile';
export { PairCountTable } from './pairCountTable';
export type { ScoreHistogram } from './scoreHistogram';
