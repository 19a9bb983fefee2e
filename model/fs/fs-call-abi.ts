/**
 * The kernel file-system path's call interface (kernel.md §3.3, §4.3): operations, seek modes,
 * transfer limits and mount outcomes. errno values and fd limits are the process ABI's
 * (proc/abi.ts).
 */
import { FS_BLOCK_BYTES } from './format.js';

export const OP_MOUNT = 1;
export const OP_OPEN = 2;
export const OP_READ = 3;
export const OP_LSEEK = 4;
export const OP_WRITE = 5;
export const OP_CLOSE = 6;
export const OP_NAMES = ['', 'mount', 'open', 'read', 'lseek', 'write', 'close'];

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;


/** A read returns at most one block (kernel.md §4.3: ≤ 4096 bytes). */
export const MAX_READ = FS_BLOCK_BYTES;
export const MAX_WRITE = 4 * FS_BLOCK_BYTES;

/** Mount refusal reasons (P_FS_MOUNT c). */
export const MOUNT_OK = 0;
export const MOUNT_BAD_MAGIC = 1;
export const MOUNT_BAD_VERSION = 2;
export const MOUNT_BAD_GEOMETRY = 3;
export const MOUNT_IO = 4;
