import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generatedPart, renderEventSequences, SEQUENCES_BEGIN } from './scenarios';

/**
 * `npm run mivb:sequences -w @openoig/lab [-- --write]`: prints the scenarios of
 * docs/pbx-link-protocol.md "Event sequences", or with --write puts them in the document
 * between its markers.
 */
const DOC = fileURLToPath(new URL('../../../docs/pbx-link-protocol.md', import.meta.url));
const text = renderEventSequences();
if (process.argv.includes('--write')) {
  const doc = await readFile(DOC, 'utf8');
  const old = generatedPart(doc);
  if (old === undefined) throw new Error(`${DOC}: the markers of the generated event sequences are missing`);
  await writeFile(DOC, doc.replace(`${SEQUENCES_BEGIN}${old}`, `${SEQUENCES_BEGIN}\n\n${text}`));
  process.stdout.write(`updated ${DOC}\n`);
} else {
  process.stdout.write(text);
}
