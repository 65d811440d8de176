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
export {
  buildAuditExport,
  signExport,
  verifyExport,
  checkExportChain,
  EXPORT_FORMAT,
  EXPORT_TYPE,
  type AuditExportArtifact,
  type BuildExportOptions,
  type ScoreLoader,
  type SignExportOptions,
  type VerifyExportOptions,
  type VerifyExportResult,
} from './export.js';
