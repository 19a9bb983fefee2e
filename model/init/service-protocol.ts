/**
 * The messages between init and the services (kernel.md §6), and where the programs keep them.
 * A message is 8 bytes: u32 opcode, u32 argument. READY carries the sender's PID, which is its
 * incarnation: init ignores a READY whose PID is not the one it started for that service.
 */
import { BUF_BASE, MT_AUDIO, MT_FILESYSTEM, MT_GRAPHICS, MT_INPUT, MT_NETWORK, SERVICE_NAMES } from '../proc/abi.js';

export const OP_READY = 1;
export const OP_PING = 2;
export const OP_PONG = 3;
/** A service asks init for the PID of a service (argument: its id); init answers LOOKUP_REPLY. */
export const OP_LOOKUP = 4;
export const OP_LOOKUP_REPLY = 5;
/** A request from one service to another (argument: a sequence number), answered with REPLY. */
export const OP_REQ = 6;
export const OP_REPLY = 7;
export const MESSAGE_BYTES = 8;

/** Where the programs build and receive messages (inside their scratch buffer). */
export const SEND_BUF = BUF_BASE + 0x100;
export const RECV_BUF = BUF_BASE + 0x200;
/** receive's info: u32 sender PID, u32 type. */
export const INFO = BUF_BASE + 0x300;

export const SERVICES = SERVICE_NAMES.length;
/** kernel.md §6: input, network and audio need filesystem; display needs filesystem and input. */
export const DEPENDS: readonly (readonly number[])[] = [[], [0], [0, 4], [0], [0]];
/** The service a service sends requests to (−1: none): its last dependency. */
export const CALLS: readonly number[] = DEPENDS.map((d) => (d.length > 0 ? d[d.length - 1] : -1));
/** The message type of requests to each service. */
export const SERVICE_TYPE: readonly number[] = [MT_FILESYSTEM, MT_NETWORK, MT_GRAPHICS, MT_AUDIO, MT_INPUT];
/** The reference services' programs, as installed in /sbin. */
export const SERVICE_PATHS: readonly string[] = SERVICE_NAMES.map((n) => `/sbin/${n}`);
/** The eclipse-b kernel's built-in service binaries (get_service_binary) name these programs. */
export const SHIPPED_NAMES: readonly string[] = SERVICE_NAMES.map((n) => `${n}-v0.1`);

/** Service states in init's table. */
export const SV_STOPPED = 0;
export const SV_STARTING = 1;
export const SV_RUNNING = 2;
export const SV_FAILED = 3;
export const SV_NAMES = ['Stopped', 'Starting', 'Running', 'Failed'];
