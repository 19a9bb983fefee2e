/**
 * A file tree as the host sees it: the input of the image writer and the output of the host-side
 * reader. Directories keep their entries in insertion order (the order written to disk).
 */
export interface FileNode {
  type: 'file';
  content: Uint8Array;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

export interface DirNode {
  type: 'dir';
  entries: Map<string, TreeNode>;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

export interface SymlinkNode {
  type: 'symlink';
  target: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

export type TreeNode = FileNode | DirNode | SymlinkNode;

export function dir(entries: Record<string, TreeNode> | Array<[string, TreeNode]>): DirNode {
  return { type: 'dir', entries: new Map(Array.isArray(entries) ? entries : Object.entries(entries)) };
}

export function file(content: Uint8Array | string): FileNode {
  return { type: 'file', content: typeof content === 'string' ? new TextEncoder().encode(content) : content };
}

export function symlink(target: string): SymlinkNode {
  return { type: 'symlink', target };
}
