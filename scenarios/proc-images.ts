/**
 * Built-in disk images of the process scenarios: /sbin/init, the programs in /bin as real ELF64
 * executables (model/proc/programs/elf-image.ts), /etc/rc naming what init runs, and /etc/motd for
 * the programs to read. /bin/notelf is not an executable and /bin/missing is absent, so a line of
 * /etc/rc naming either makes exec fail (ENOEXEC, ENOENT) with the child's old image intact.
 */
import { programElf } from '../model/proc/programs/registry.js';
import { dir, file, type TreeNode } from '../model/fs/tree.js';

function system(rc: string[], programs: string[]): TreeNode {
  const bin: Record<string, TreeNode> = {};
  for (const p of programs) bin[p] = file(programElf(p));
  bin.notelf = file('#!/bin/sh\necho this is not an ELF file\n');
  return dir({
    sbin: dir({ init: file(programElf('init')) }),
    bin: dir(bin),
    etc: dir({ rc: file(rc.map((l) => l + '\n').join('')), motd: file('Welcome to Eclipse OS\n') }),
  });
}

export const PROC_IMAGES: Record<string, () => TreeNode> = {
  'proc-forks': () => system(['/bin/forktree', '/bin/missing', '/bin/notelf'], ['forktree', 'worker']),
  'proc-orphans': () => system(['/bin/orphaner', '/bin/orphaner'], ['orphaner']),
  'proc-storm': () => system(['/bin/storm'], ['storm']),
  'proc-small': () =>
    dir({
      sbin: dir({ init: file(programElf('init')) }),
      bin: dir({ pair: file(programElf('pair')) }),
      etc: dir({ rc: file('/bin/pair\n') }),
    }),
};
