import { execFile } from 'node:child_process';

export interface CfnLintFinding {
  readonly file: string;
  readonly rule: string;
  readonly message: string;
}

/** Runs the preinstalled cfn-lint over templates in one process, and reads its findings. */
export function runCfnLint(files: readonly string[]): Promise<CfnLintFinding[]> {
  return new Promise((resolve, reject) => {
    execFile('cfn-lint', ['--format', 'parseable', '--', ...files], (error, stdout, stderr) => {
      // cfn-lint exits 2 for errors, 4 for warnings, 8 for informational findings, or a sum.
      const code = error && 'code' in error ? error.code : 0;
      if (typeof code !== 'number' || code & 1 || (code === 0 && error)) {
        reject(new Error(`cfn-lint did not run: ${error?.message ?? ''}\n${stderr}`));
        return;
      }
      resolve(
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => {
            const [file = '', , , , , rule = '', ...message] = line.split(':');
            return { file, rule, message: message.join(':') };
          }),
      );
    });
  });
}
