/** Redundant execution: k-of-n agreement of output hashes from distinct providers. */
export {type AgreementReport, type AgreementStatus, type ProviderOutput, agreement, agreementCheck, normalizeHash} from './agreement.js'
