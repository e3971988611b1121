/** `npm run build` (and `prepack`): bundles the CLI into dist/. */
import { bundleCli } from './bundleCli.ts';

const { entry, written } = await bundleCli();
process.stderr.write(`stscreds: bundled ${entry} (${written} file(s) changed)\n`);
