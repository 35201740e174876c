// Attachments as content-addressed blobs on the workstation, and their transfer to and from the
// central server (docs/replication-api.md, Blobs).
export { BlobError, BlobStore, HashingCounter, SHA256_HEX, shardedPath, type BlobErrorCode, type PutOptions, type StoredBlob } from './blob-store';
export { BlobClient, BlobTransferError, type BlobClientOptions, type BlobTransferErrorKind } from './blob-client';
export { BlobUploadQueue, type DrainReport } from './upload-queue';
