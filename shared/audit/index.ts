export { canonicalJson } from './canonical-json.js';
export { GENESIS_HASH, hashAuditRow, checkChainSegment, type AuditRow, type AuditOutcome, type ChainCheck } from './row-hash.js';
export {
  appendAudit,
  listAudit,
  verifyAuditChain,
  auditTip,
  auditRowsInOrder,
  toAuditRow,
  type AuditDb,
  type AuditEntry,
  type ListAuditOptions,
  type AuditPage,
  type ChainVerification,
} from './trail.js';
