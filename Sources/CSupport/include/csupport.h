#ifndef LEADSPOOL_CSUPPORT_H
#define LEADSPOOL_CSUPPORT_H

/// rename(2) that never replaces an existing target (renameat2 RENAME_NOREPLACE).
/// Returns 0, or -1 with errno set (EEXIST when the target exists; EINVAL or ENOSYS when the
/// file system or kernel cannot do it).
int leadspool_rename_noreplace(const char *from, const char *to);

#endif
