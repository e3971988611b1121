/**
 * The CLI's ES module entry, which the start (`bin.ts`) imports when the cache cannot answer:
 * it runs the command line and sets the exit code.
 */
import { main } from './main.ts';

process.exitCode = await main(process.argv);
