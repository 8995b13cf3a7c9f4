// How many connections the kernel may queue for a listening socket before the process accepts them.
// Node's default (511) is below what a fleet of clients opens at once: a Claude Code fleet starting
// a thousand streams together overflowed it, the kernel dropped the extra SYNs, and those clients
// retried after 1 s, then 3 s — a first byte seconds late for a reason neither side could see.
// Linux caps the value at net.core.somaxconn (4096 by default since 5.4).
export const listenBacklog = 4096;
