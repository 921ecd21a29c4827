#ifndef LEADSPOOL_CSUPPORT_H
#define LEADSPOOL_CSUPPORT_H

/// rename(2) that never replaces an existing target (renameat2 RENAME_NOREPLACE).
/// Returns 0, or -1 with errno set (EEXIST when the target exists; EINVAL or ENOSYS when the
/// file system or kernel cannot do it).
int leadspool_rename_noreplace(const char *from, const char *to);

/// Write-locks one byte of `fd` at `offset` without waiting, with an open-file-description lock
/// (F_OFD_SETLK): held by this open file, not the process, and released when it is closed or the
/// process dies. Returns 0, or -1 with errno EAGAIN/EACCES when another holder has it.
int leadspool_try_lock_byte(int fd, long long offset);

/// Starts writing back the dirty pages of `fd` in [offset, offset + length) without waiting
/// (sync_file_range SYNC_FILE_RANGE_WRITE), so a later fsync has little left to wait for.
/// Returns 0, or -1 with errno set (ENOSYS where the call does not exist).
int leadspool_start_writeback(int fd, long long offset, long long length);

/// Turns O_DIRECT on (`on` = 1) or off for `fd` (fcntl F_SETFL): writes then go from the caller's
/// memory to the device without a copy into the page cache, and must be aligned (address, length and
/// file offset) to the device's block size. Returns 0, or -1 with errno set (EINVAL where the file
/// system cannot do it, ENOSYS where the flag does not exist).
int leadspool_set_direct_io(int fd, int on);

/// 1 when `fd`'s file is on a local disk file system where O_DIRECT writes were measured to pay (ext4,
/// xfs, btrfs, f2fs: the kernel's copy into the page cache is skipped), else 0. On a network file system
/// each direct write would be a synchronous round trip; on tmpfs there is no copy to skip.
int leadspool_direct_io_suits(int fd);

/// Hands the allocator's free pages back to the system: jemalloc's arena purge when jemalloc is the
/// allocator (the `leadspool` executable), else glibc's malloc_trim(0); a no-op elsewhere.
void leadspool_malloc_trim(void);

/// "jemalloc" when jemalloc is the process's allocator, else "libc".
const char *leadspool_malloc_name(void);

/// Asks the CPU to bring the cache line at `address` in ahead of a write (a hint: never faults).
static inline void leadspool_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
