import { fsck } from '../../model/fs/host/fsck.js';
import { InputError } from '../../scenarios/operations.js';
import { escapeText, toJsonText } from '../../reports/escape.js';
import { IMAGE_FILE_LIMIT, readInputFile } from '../input-files.js';

/**
 * `fsck <image>`: S-FS-01 and S-FS-02 on an EclipseFS image. Exit 0 clean, 1 damaged (each finding
 * on a line), 2 unreadable: the file cannot be read, or its header is unusable (the S-FS-01
 * finding is the one-line error; with --json the report is still printed first).
 */
export function fsckCommand(image: string, o: { json?: boolean }): void {
  const buf = readInputFile(image, 'image', IMAGE_FILE_LIMIT);
  const report = fsck(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  const findings = report.findings.map((f) => ({ check: f.check, message: f.message }));
  if (o.json) {
    process.stdout.write(`${toJsonText({ image, readable: report.readable, inodes: report.inodes, findings })}\n`);
  }
  if (!report.readable) {
    const f = findings.find((x) => x.check === 'S-FS-01') ?? findings[0];
    throw new InputError(`${escapeText(image)}: not a usable EclipseFS image: ${f ? `${f.check}: ${f.message}` : 'S-FS-01: unusable header'}`);
  }
  if (!o.json) {
    const lines = findings.map((f) => `${f.check}: ${escapeText(f.message, 1000)}`);
    lines.push(findings.length === 0 ? `clean: ${report.inodes} inodes` : `damaged: ${findings.length} finding${findings.length === 1 ? '' : 's'} in ${report.inodes} inodes`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = findings.length === 0 ? 0 : 1;
}
