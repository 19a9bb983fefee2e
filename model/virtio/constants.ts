/**
 * Numbers from the VirtIO 1.2 specification and kernel.md §2, named once.
 * Spec: https://docs.oasis-open.org/virtio/virtio/v1.2/virtio-v1.2.html
 */

/** Device status bits (VirtIO 1.2 §2.1). */
export const STATUS_ACKNOWLEDGE = 1;
export const STATUS_DRIVER = 2;
export const STATUS_DRIVER_OK = 4;
export const STATUS_FEATURES_OK = 8;
export const STATUS_DEVICE_NEEDS_RESET = 64;
export const STATUS_FAILED = 128;

/** Feature bits the design uses (VirtIO 1.2 §6, §2.7.10). Kept as bit positions below 31. */
export const FEATURE_EVENT_IDX = 1 << 29;
/** VIRTIO_F_VERSION_1 is bit 32; the model stores it as bit 30 of a 31-bit feature word. */
export const FEATURE_VERSION_1 = 1 << 30;

/** Descriptor flags (§2.7.5). */
export const VIRTQ_DESC_F_NEXT = 1;
export const VIRTQ_DESC_F_WRITE = 2;
export const VIRTQ_DESC_F_INDIRECT = 4;

/** Ring flags (§2.7.6, §2.7.8). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Interrupt status bits (§4.2.2 InterruptStatus). */
export const ISR_USED_BUFFER = 1;
export const ISR_CONFIG_CHANGE = 2;

/** Block request types and statuses (§5.2.6). */
export const VIRTIO_BLK_T_IN = 0;
export const VIRTIO_BLK_T_OUT = 1;
export const VIRTIO_BLK_T_FLUSH = 4;
export const VIRTIO_BLK_S_OK = 0;
export const VIRTIO_BLK_S_IOERR = 1;
export const VIRTIO_BLK_S_UNSUPP = 2;

/** The driver fills the status byte with this before submitting (kernel.md §2.3). */
export const STATUS_SENTINEL = 0x55;

/** Sizes (kernel.md §2.3): a 16-byte header, a 4096-byte block, 512-byte sectors. */
export const BLK_HEADER_BYTES = 16;
export const BLOCK_BYTES = 4096;
export const SECTOR_BYTES = 512;
export const SECTORS_PER_BLOCK = BLOCK_BYTES / SECTOR_BYTES;

/** Descriptors a block request takes: header, data, status (kernel.md §2.3). */
export const DESCS_PER_REQUEST = 3;

/** eclipse-b reports this capacity whatever the disk holds (kernel.md §2.3). */
export const ECLIPSE_B_CAPACITY_BLOCKS = 1_048_576;

/** Legacy PCI ids of the eclipse-b device (kernel.md §2.1). */
export const PCI_VENDOR_VIRTIO = 0x1af4;
export const PCI_DEVICE_BLOCK_LEGACY = 0x1001;
/** Device type 2 = block. */
export const VIRTIO_DEVICE_TYPE_BLOCK = 2;
