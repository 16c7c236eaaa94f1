/** Signed execution receipts: an in-toto Statement v1 in a DSSE envelope, signed with the tenant's secp256k1 key, and their verification. */
export {type DsseEnvelope, type DsseSignature, type ImageRecord, PAYLOAD_TYPE, PREDICATE_TYPE, type ReceiptPredicate, type ReceiptStatement, STATEMENT_TYPE, type Subject} from './types.js'
export {type ReceiptInput, buildReceiptStatement, createReceipt, decodeStatement, serializeReceipt, sha256Hex} from './statement.js'
export {type ReceiptSigner, addressOf, secp256k1Signer} from './key.js'
export {pae} from './dsse.js'
export {type ParsedReceipt, parseReceipt} from './parse.js'
export {type ReceiptChain, type ReceiptLeaseFacts, receiptChainFromMarket} from './chain.js'
export {type ReceiptVerdict, type ReceiptVerifyOptions, verifyReceipt} from './verify.js'
