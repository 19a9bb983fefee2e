/**
 * fsck for EclipseFS images: S-FS-01 (header) and S-FS-02 (structure), with messages that name the
 * inode and the field ("inode 7: record size 40 runs past the end of the image"). Pure: takes the
 * image bytes, returns findings; the CLI decides exit codes.
 */
import { NODE_DIRECTORY, NODE_FILE, NODE_SYMLINK, ROOT_INODE } from '../format.js';
import { parseImage, typeName, type Finding, type ParsedImage } from './host-image.js';

export interface FsckReport {
  /** False when the header is unusable: nothing beyond S-FS-01 could be checked. */
  readable: boolean;
  findings: Finding[];
  inodes: number;
  parsed: ParsedImage;
}

export function fsck(image: Uint8Array): FsckReport {
  const parsed = parseImage(image);
  const findings = [...parsed.findings];
  if (!parsed.headerOk) return { readable: false, findings, inodes: 0, parsed };
  const f2 = (message: string) => findings.push({ check: 'S-FS-02', message });
  const total = parsed.totalInodes;
  const nodes = parsed.nodes;
  const named = new Int32Array(total + 1);
  for (let n = 1; n <= total; n++) {
    const node = nodes[n];
    if (!node) continue;
    if (node.type === null) f2(`inode ${n}: no NODE_TYPE`);
    else if (node.type !== NODE_FILE && node.type !== NODE_DIRECTORY && node.type !== NODE_SYMLINK) f2(`inode ${n}: unknown node type ${node.type}`);
    if (node.type === NODE_FILE || node.type === NODE_SYMLINK) {
      const len = node.content?.length ?? 0;
      if (node.size !== null && node.size !== len) f2(`inode ${n}: SIZE ${node.size} but CONTENT holds ${len} bytes`);
      if (node.entries) f2(`inode ${n}: a ${typeName(node.type)} with DIRECTORY_ENTRIES`);
    }
    if (node.type === NODE_DIRECTORY && node.content) f2(`inode ${n}: a directory with CONTENT`);
    if (node.entries) {
      const seen = new Set<string>();
      for (const e of node.entries) {
        if (e.inode < 1 || e.inode > total) {
          f2(`inode ${n}: entry ${quote(e.name)} names inode ${e.inode}, which does not exist (1..${total})`);
          continue;
        }
        if (e.name === '.' || e.name === '..' || e.name.includes('/')) f2(`inode ${n}: entry name ${quote(e.name)} is not allowed`);
        // Names are UTF-8 without NUL, as the image writer makes them (paths are strings).
        else if (!e.utf8) f2(`inode ${n}: entry name ${quote(e.name)} is not valid UTF-8`);
        else if (e.name.includes('\0')) f2(`inode ${n}: entry name ${quote(e.name)} contains a NUL byte`);
        if (seen.has(e.name)) f2(`inode ${n}: two entries are named ${quote(e.name)}`);
        seen.add(e.name);
        named[e.inode]++;
      }
    }
  }
  const root = nodes[ROOT_INODE];
  if (!root) f2('the root inode 1 is unreadable');
  else if (root.type !== NODE_DIRECTORY) f2(`the root inode 1 is a ${typeName(root.type)}, not a directory`);
  // Reachability and cycles: depth-first from the root over directory entries.
  const state = new Uint8Array(total + 1); // 0 unvisited, 1 on the path, 2 done
  const reached = new Uint8Array(total + 1);
  const stack: Array<{ inode: number; next: number }> = [];
  if (root && root.type === NODE_DIRECTORY) {
    stack.push({ inode: ROOT_INODE, next: 0 });
    state[ROOT_INODE] = 1;
    reached[ROOT_INODE] = 1;
  }
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const entries = nodes[top.inode]?.entries ?? [];
    if (top.next >= entries.length) {
      state[top.inode] = 2;
      stack.pop();
      continue;
    }
    const e = entries[top.next++];
    if (e.inode < 1 || e.inode > total) continue;
    reached[e.inode] = 1;
    const child = nodes[e.inode];
    if (!child || child.type !== NODE_DIRECTORY) continue;
    if (state[e.inode] === 1) {
      f2(`directory cycle: inode ${top.inode} entry ${quote(e.name)} leads back to inode ${e.inode}`);
      continue;
    }
    if (state[e.inode] === 0) {
      state[e.inode] = 1;
      stack.push({ inode: e.inode, next: 0 });
    }
  }
  for (let n = 1; n <= total; n++) {
    if (!reached[n]) f2(`inode ${n} is not reachable from the root`);
    const node = nodes[n];
    if (!node || node.nlink === null) {
      if (node) f2(`inode ${n}: no NLINK`);
      continue;
    }
    // The root is named by no entry and counts 1 (image-writer.ts).
    const expected = n === ROOT_INODE ? Math.max(1, named[n]) : named[n];
    if (node.nlink !== expected) f2(`inode ${n}: NLINK ${node.nlink} but ${named[n]} entr${named[n] === 1 ? 'y names' : 'ies name'} it`);
  }
  return { readable: true, findings, inodes: total, parsed };
}

/**
 * A name as it appears in a finding: in double quotes, with control characters, quotes and
 * backslashes escaped (JSON string syntax), so a corrupt name cannot break a finding over lines.
 */
function quote(name: string): string {
  return JSON.stringify(name);
}
