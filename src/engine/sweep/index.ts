/** `semid sweep`: variants and grids, seeds, resumable runs, the comparison (seed method, item 6). */
export * from './variants';
export * from './aggregate';
export * from './comparison';
export * from './existingRuns';
export * from './runSweep';
