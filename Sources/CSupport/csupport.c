#define _GNU_SOURCE
#include "csupport.h"
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#ifdef __linux__
#include <sys/vfs.h>
#endif
#include <unistd.h>

// jemalloc's control call. The `leadspool` executable and the pipeline tests link jemalloc in (see
// Package.swift); in a program built from these sources without it, this weak reference is NULL.
extern int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen)
    __attribute__((weak));

int leadspool_rename_noreplace(const char *from, const char *to) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 1u /* RENAME_NOREPLACE */);
#else
    errno = ENOSYS;
    return -1;
#endif
}

int leadspool_try_lock_byte(int fd, long long offset) {
    struct flock lock = {0};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = (off_t)offset;
    lock.l_len = 1;
#ifdef F_OFD_SETLK
    return fcntl(fd, F_OFD_SETLK, &lock);
#else
    return fcntl(fd, F_SETLK, &lock);
#endif
}

int leadspool_start_writeback(int fd, long long offset, long long length) {
#ifdef SYNC_FILE_RANGE_WRITE
    return sync_file_range(fd, (off_t)offset, (off_t)length, SYNC_FILE_RANGE_WRITE);
#else
    (void)fd; (void)offset; (void)length;
    errno = ENOSYS;
    return -1;
#endif
}

int leadspool_set_direct_io(int fd, int on) {
#ifdef O_DIRECT
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    int wanted = on ? (flags | O_DIRECT) : (flags & ~O_DIRECT);
    if (wanted == flags) return 0;
    return fcntl(fd, F_SETFL, wanted) < 0 ? -1 : 0;
#else
    (void)fd;
    if (!on) return 0;
    errno = ENOSYS;
    return -1;
#endif
}

int leadspool_direct_io_suits(int fd) {
#ifdef __linux__
    struct statfs fs;
    if (fstatfs(fd, &fs) != 0) return 0;
    switch ((unsigned long)fs.f_type) {
    case 0xEF53UL:     // ext2, ext3, ext4
    case 0x58465342UL: // xfs
    case 0x9123683EUL: // btrfs
    case 0xF2F52010UL: // f2fs
        return 1;
    default:
        return 0;
    }
#else
    (void)fd;
    return 0;
#endif
}

// jemalloc reads its options from this symbol when it starts (and from MALLOC_CONF after it):
// - one arena, not 4 a core: each arena keeps its own freed pages, and a long batch's work moves between
//   the concurrency pool's, the HTTP client's and the ledger's threads. Each thread's cache takes most
//   calls without the arena's lock, so `check`'s two threads were no slower with one arena, and a 1 M-lead
//   `run` peaked at 94 MB instead of 97 MB with two;
// - freed pages go back to the system after 1 s unused, not 10 s.
// Ignored when jemalloc is not the allocator.
const char *malloc_conf = "narenas:1,dirty_decay_ms:1000,muzzy_decay_ms:0";

const char *leadspool_malloc_name(void) {
    return mallctl ? "jemalloc" : "libc";
}

void leadspool_malloc_trim(void) {
    if (mallctl) {
        // MALLCTL_ARENAS_ALL (4096): every arena hands its unused dirty pages back.
        mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
        return;
    }
#ifdef __GLIBC__
    malloc_trim(0);
#endif
}
