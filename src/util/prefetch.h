/*
 * prefetch.h - a hint that an object will be read soon.
 *
 * A replay at Azure scale touches tens of thousands of functions and
 * instances in no order the caches can guess: most of a request's handling
 * time is spent waiting for the first load of its objects.  Where the code
 * knows which object comes next (the event after this one, the arrival
 * after this one), it asks for it early, so the wait overlaps the work in
 * between.  Only a hint: results never depend on it, and on compilers
 * without the builtin it is nothing.
 */
#ifndef SIM_UTIL_PREFETCH_H
#define SIM_UTIL_PREFETCH_H

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 3)
#else
#define PREFETCH(p) ((void)(p))
#endif

#endif
