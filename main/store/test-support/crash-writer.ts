/**
 * Child process of the crash-safety test: writes batches of documents through the storage as fast
 * as it can and reports each batch on stdout only after bulkWrite resolved (that is, after the
 * commit was acknowledged). The test kills it with SIGKILL at a random moment.
 *
 *   tsx crash-writer.ts <directory> <first-batch-number> <batch-size>
 */
import { writeSync } from 'node:fs';
import { caseDoc, insertRows, openCases } from './storage-fixtures';

const [directory, firstBatchArg, batchSizeArg] = process.argv.slice(2);
const firstBatch = Number(firstBatchArg);
const batchSize = Number(batchSizeArg);

const { instance } = await openCases(directory!);
writeSync(1, 'ready\n');
for (let batch = firstBatch; ; batch++) {
  const docs = Array.from({ length: batchSize }, (_, i) =>
    caseDoc({ id: `b${batch}-${i}`, updatedAt: batch, subject: `Lote ${batch}, documento ${i}: ${'x'.repeat(200)}` }),
  );
  await instance.bulkWrite(insertRows(docs), 'crash-test');
  // Synchronous write: once the parent reads this line, the batch was acknowledged.
  writeSync(1, `ack ${batch}\n`);
}
