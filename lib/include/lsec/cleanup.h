/* SPDX-License-Identifier: MIT */
/* Scope-bound cleanup, systemd style: destructors accept NULL. */
#ifndef LSEC_CLEANUP_H
#define LSEC_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void lsec_freep(void *p) { free(*(void **)p); }
static inline void lsec_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
static inline void lsec_fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

#define _cleanup_free_ _cleanup_(lsec_freep)
#define _cleanup_close_ _cleanup_(lsec_closep)
#define _cleanup_fclose_ _cleanup_(lsec_fclosep)

/* Hand ownership out of a cleanup-scoped variable. */
#define TAKE_PTR(p)                          \
	({                                   \
		__typeof__(p) _tp_ = (p);    \
		(p) = NULL;                  \
		_tp_;                        \
	})
#define TAKE_FD(fd)                  \
	({                           \
		int _tf_ = (fd);     \
		(fd) = -1;           \
		_tf_;                \
	})

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
