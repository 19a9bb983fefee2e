/**
 * Built-in disk images of the process scenarios: /sbin/init, the programs in /bin as real ELF64
 * executables (model/proc/programs/elf-image.ts), /etc/rc naming what init runs, and /etc/motd for
 * the programs to read. /bin/notelf is not an executable and /bin/missing is absent, so a line of
 * /etc/rc naming either makes exec fail (ENOEXEC, ENOENT) with the child's old image intact.
 */
import { programElf } from '../model/proc/programs/registry.js';
import { SERVICE_NAMES } from '../model/proc/abi.js';
import { dir, file, type DirNode, type TreeNode } from '../model/fs/host/tree.js';

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

/**
 * The whole system (kernel.md §1, §6): /sbin/init is the service manager and /sbin holds the five
 * services; /data/fslog is the record the filesystem service rewrites (power loss must not tear
 * it into something fsck or S-FS-05 rejects). eclipse-b's disk carries its init v0.2.0 instead
 * (its services come from the kernel, through get_service_binary).
 */
function boot(init: string): TreeNode {
  const sbin: Record<string, TreeNode> = { init: file(programElf(init)) };
  for (const n of SERVICE_NAMES) sbin[n] = file(programElf(n));
  return dir({
    sbin: dir(sbin),
    etc: dir({ motd: file('Welcome to Eclipse OS\n') }),
    data: dir({ fslog: file(new Uint8Array(64)) }),
  });
}

export const PROC_IMAGES: Record<string, () => TreeNode> = {
  boot: () => boot('svcinit'),
  'boot@eclipse-b': () => boot('init-v0.2.0'),
  'proc-forks': () => system(['/bin/forktree', '/bin/missing', '/bin/notelf'], ['forktree', 'worker']),
  'proc-orphans': () => system(['/bin/orphaner', '/bin/orphaner'], ['orphaner']),
  'proc-storm': () => system(['/bin/storm'], ['storm']),
  // /data/big: 40 KiB no one has read, so each 4 KiB read of it waits for the disk.
  'proc-lineage': () => {
    const root = system(['/bin/lineage'], ['lineage']) as DirNode;
    const big = new Uint8Array(40 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
    root.entries.set('data', dir({ big: file(big) }));
    return root;
  },
  'proc-small': () =>
    dir({
      sbin: dir({ init: file(programElf('init')) }),
      bin: dir({ pair: file(programElf('pair')) }),
      etc: dir({ rc: file('/bin/pair\n') }),
    }),
};
