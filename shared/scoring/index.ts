export * from './types.js';
export * from './options.js';
export * from './backend.js';
export { scoreAlignment, type ScoreInput } from './score.js';
export { findSwaps, longestInOrder, type OrderItem, type SwapFinding } from './order.js';
export { centerRows, centerRowsInPlace, rowMean } from './center.js';
