/**
 * EclipseFS 2.0 on-disk format, as kernel.md §3.2 gives it. All integers little-endian; offsets
 * are bytes from the start of the partition; blocks are 4096 bytes.
 *
 *   header (block 0)  magic "ECLIPSEFS" @0 (9 bytes), version u32 @9 (0x00020000),
 *                     inode table offset u64 @13 (4096), inode table size u64 @21 (= inodes × 8),
 *                     total inodes u32 @29 (non-zero); optional fields after @33 may be zero
 *   inode table       one {inode u32, rel_offset u32} per inode, sorted and dense from 1
 *   node records      @ table offset + table size + rel_offset:
 *                     {inode u32, record_size u32 (with this 8-byte header)} then TLVs
 *                     {tag u16, len u32, value[len]}
 *   directory entries packed {name_len u32, child_inode u32, name[name_len]}, no "." or ".."
 */
export const FS_BLOCK_BYTES = 4096;
export const FS_MAGIC = 'ECLIPSEFS';
export const FS_MAGIC_BYTES = new TextEncoder().encode(FS_MAGIC);
export const FS_VERSION_2_0 = 0x0002_0000;

export const HDR_MAGIC = 0;
export const HDR_VERSION = 9;
export const HDR_TABLE_OFFSET = 13;
export const HDR_TABLE_SIZE = 21;
export const HDR_TOTAL_INODES = 29;
/** Bytes of the mandatory header. */
export const HDR_BYTES = 33;
/** Where the inode table starts in images this writer makes (kernel.md: 4096). */
export const TABLE_OFFSET = 4096;

export const TABLE_ENTRY_BYTES = 8;
export const RECORD_HEADER_BYTES = 8;
export const TLV_HEADER_BYTES = 6;
export const DIRENT_HEADER_BYTES = 8;
export const MAX_NAME_BYTES = 255;
export const ROOT_INODE = 1;

export const TAG_NODE_TYPE = 0x0001;
export const TAG_MODE = 0x0002;
export const TAG_UID = 0x0003;
export const TAG_GID = 0x0004;
export const TAG_SIZE = 0x0005;
export const TAG_ATIME = 0x0006;
export const TAG_MTIME = 0x0007;
export const TAG_CTIME = 0x0008;
export const TAG_NLINK = 0x0009;
export const TAG_CONTENT = 0x000a;
export const TAG_DIRECTORY_ENTRIES = 0x000b;

export const NODE_FILE = 1;
export const NODE_DIRECTORY = 2;
export const NODE_SYMLINK = 3;

/** Partition start per profile, in 4096-byte blocks (kernel.md §3.2). */
export const PARTITION_BLOCK_REFERENCE = 0;
export const PARTITION_BLOCK_ECLIPSE_B = 131_328;
