/**
 * The process ABI of kernel.md §4: syscall numbers (§4.3), errno values, signals, process states,
 * limits, and the user address-space layout the built-in programs are linked at.
 */

// ---- syscalls (kernel.md §4.3; `int 0x80`, number in rax, arguments rdi, rsi, rdx, r10, r8)
export const SYS_EXIT = 0;
export const SYS_WRITE = 1;
export const SYS_READ = 2;
export const SYS_SEND = 3;
export const SYS_RECEIVE = 4;
export const SYS_YIELD = 5;
export const SYS_GETPID = 6;
export const SYS_FORK = 7;
export const SYS_EXEC = 8;
export const SYS_WAIT = 9;
export const SYS_GET_SERVICE_BINARY = 10;
export const SYS_OPEN = 11;
export const SYS_CLOSE = 12;
export const SYS_GETPPID = 13;
export const SYS_LSEEK = 14;
export const SYS_WAITPID = 15;
export const SYS_KILL = 16;
export const SYS_EXEC_PATH = 17;
/**
 * uptime() → microseconds since boot. Not in kernel.md §4.3: reference init needs a clock for its
 * start timeouts, health periods and backoff, and the table has none. Reference only.
 */
export const SYS_UPTIME = 18;

// ---- errno (kernel.md §4.3); reference returns −errno, eclipse-b −1 for every error
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EIO = 5;
export const ENOEXEC = 8;
export const EBADF = 9;
export const ECHILD = 10;
/** A blocking receive interrupted by SIGCHLD (not in kernel.md's list; the usual value). */
export const EINTR = 4;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EFAULT = 14;
export const EINVAL = 22;
export const EMFILE = 24;
export const ENOSYS = 38;

// ---- signals (kernel.md §4.2)
export const SIGKILL = 9;
export const SIGSEGV = 11;
export const SIGTERM = 15;
export const SIGCHLD = 17;
/** waitpid flags bit 0. */
export const WNOHANG = 1;

// ---- process states (kernel.md §4.1). ZOMBIE is reference's name; eclipse-b calls it Terminated.
export const PS_FREE = 0;
export const PS_READY = 1;
export const PS_RUNNING = 2;
export const PS_BLOCKED = 3;
export const PS_ZOMBIE = 4;
export const STATE_NAMES = ['free', 'Ready', 'Running', 'Blocked', 'Zombie'];

// ---- limits
export const MAX_PROCS = 64;
export const MAX_FDS = 64;
export const FIRST_FD = 3;
/**
 * The kernel's table of open file descriptions (what process fds name): room for every fd of every
 * process, so one process's files never count against another's 64.
 */
export const OPEN_FILES = MAX_PROCS * MAX_FDS;
/** kernel.md §4.2: exec(ptr, len) takes 0 < len ≤ 10 MiB. */
export const MAX_EXEC_LEN = 10 * 1024 * 1024;
/** The model reads at most this much of an ELF file (its programs are a few KiB). */
export const MAX_ELF_FILE = 32 * 1024;
/** Pages one address space may map (the model's programs need five). */
export const MAX_PAGES = 16;
/** A path argument is 1..255 bytes. */
export const MAX_PATH = 255;
/** Ticks per time slice: the scheduler runs every 10th timer interrupt (kernel.md §4.1). */
export const TICKS_PER_SLICE = 10;

// ---- the user address space the built-in programs are linked at
export const PAGE = 4096;
export const TEXT_BASE = 0x40_0000;
export const DATA_BASE = 0x40_1000;
/** Writable scratch buffer (in the data segment's zero-filled tail): 2 pages, enough for an ELF. */
export const BUF_BASE = 0x40_2000;
export const BUF_BYTES = 2 * PAGE;
/** One stack page just below this address (exec gives a fresh one). */
export const STACK_TOP = 0x7fff_ffff_f000;
export const STACK_PAGE = STACK_TOP - PAGE;

/** Service ids of get_service_binary (kernel.md §4.3). */
export const SERVICE_NAMES = ['filesystem', 'network', 'display', 'audio', 'input'];

// ---- IPC (kernel.md §5)
/** Message types are bits. */
export const MT_SYSTEM = 0x1;
export const MT_MEMORY = 0x2;
export const MT_FILESYSTEM = 0x4;
export const MT_NETWORK = 0x8;
export const MT_GRAPHICS = 0x10;
export const MT_AUDIO = 0x20;
export const MT_INPUT = 0x40;
export const MT_USER = 0x200;
export const MT_SIGNAL = 0x400;
export const MAX_PAYLOAD = 256;
