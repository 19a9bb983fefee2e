/**
 * Event kinds of the VirtIO block machine, with names and the actor that performs each (for the
 * trace). Arguments (a, b) are noted per kind. Kinds are dense small integers so dispatch is a
 * switch and the trace stores numbers.
 */
// device (VirtIO 1.2 §2.7.13 device side; kernel.md §2.2 "Device processing")
export const E_DEV_FETCH = 0; // a = epoch
export const E_DEV_RECHECK = 1; // a = epoch
export const E_DEV_IO_DONE = 2; // a = device slot, b = epoch
export const E_DEV_PUBLISH_ELEM = 3; // a = epoch
export const E_DEV_PUBLISH_IDX = 4; // a = epoch, b = device slot
export const E_DEV_NOTIFY_CHECK = 5; // a = epoch, b = old used idx
export const E_DEV_LATE_STATUS = 6; // a = device slot, b = epoch (idx-before-status mutant)
// interrupt line
export const E_IRQ_DELIVER = 7;
export const E_IRQ_MODERATION = 8;
export const E_IRQ_SPURIOUS = 9;
// driver (kernel.md §2.1 init, §2.2 submit and completion, §2.4 recovery)
export const E_DRV_INIT_STEP = 10; // a = step
export const E_DRV_LOCK_GRANT = 11; // a = holder code
export const E_DRV_SUBMIT_STEP = 12; // a = client, b = phase
export const E_DRV_NOTIFY = 13; // a = client
export const E_DRV_HANDLER_ISR = 14;
export const E_DRV_HANDLER_ACK = 15; // a = bits read
export const E_DRV_DRAIN = 16; // a = drain mode
export const E_DRV_RECHECK = 17; // a = drain mode
export const E_DRV_POLL_TIMER = 18; // a = client, b = request serial
export const E_DRV_SPIN_POLL = 19; // a = client, b = request serial
// block clients
export const E_CLIENT_NEXT = 20; // a = client
export const E_CLIENT_DONE = 21; // a = client, b = result
export const E_DRV_POLL_STATUS = 22;
// file system (kernel.md §3)
export const E_FS_CONTINUE = 23; // a = fs client: a block it waited for arrived
export const E_FS_RETURN = 24; // a = fs client, b = result of its call
export const E_FS_CLIENT_NEXT = 25; // a = fs client
export const E_POWER_LOSS = 26;
export const E_REBOOT = 27;
// processes (kernel.md §4)
export const E_CPU_STEP = 28; // a = process slot, b = pid: the running process's next action
export const E_TIMER_TICK = 29; // IRQ0
export const E_IPC_TIMEOUT = 30; // a = slot, b = pid: a blocking receive timed out

export const EVENT_NAMES: readonly string[] = [
  'dev.fetch', 'dev.recheck', 'dev.io-done', 'dev.publish-elem', 'dev.publish-idx', 'dev.notify-check', 'dev.late-status',
  'irq.deliver', 'irq.moderation', 'irq.spurious',
  'drv.init-step', 'drv.lock-grant', 'drv.submit', 'drv.notify', 'drv.handler-isr', 'drv.handler-ack', 'drv.drain', 'drv.recheck', 'drv.poll-timer', 'drv.spin-poll',
  'client.next', 'client.done', 'drv.poll-status',
  'fs.continue', 'fs.return', 'fs.client-next', 'power.loss', 'power.reboot',
  'cpu.step', 'timer.tick', 'ipc.timeout',
];

export const EVENT_ACTORS: readonly string[] = [
  'device', 'device', 'device', 'device', 'device', 'device', 'device',
  'irq', 'irq', 'irq',
  'driver', 'driver', 'driver', 'driver', 'driver', 'driver', 'driver', 'driver', 'driver', 'driver',
  'client', 'client', 'driver',
  'fs', 'fs', 'client', 'power', 'power',
  'cpu', 'timer', 'ipc',
];
