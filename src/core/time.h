/*
 * time.h - simulated time: an int64 count of microseconds.
 *
 * Integer time makes keep-alive deadlines and ties compare exactly, on any
 * compiler (ROSS keeps a double behind macros; integers need none).  Random
 * durations are drawn as doubles in seconds and converted once, here.
 * 2^63 us is 292,000 years, so no run comes close to overflowing; inputs are
 * capped at SIM_TIME_CAP before conversion all the same.
 */
#ifndef SIM_CORE_TIME_H
#define SIM_CORE_TIME_H

#include <math.h>
#include <stdint.h>

typedef int64_t SimTime;

#define SIM_TIME_MAX INT64_MAX
#define SIM_US_PER_S 1000000
#define SIM_TIME_CAP_S 1e12 /* ~31,700 years: any larger input is clamped */

/* Seconds (double) -> microseconds, rounded to nearest (halves away from
 * zero); clamps to the cap.  Inlined arithmetic instead of llround(): this
 * runs once or twice per simulated request. */
static inline SimTime time_from_s(double s)
{
    if (!(s < SIM_TIME_CAP_S))
        s = SIM_TIME_CAP_S;
    if (s < -SIM_TIME_CAP_S)
        s = -SIM_TIME_CAP_S;
    double us = s * 1e6;
    return us >= 0 ? (SimTime)(us + 0.5) : -(SimTime)(0.5 - us);
}

static inline double time_to_s(SimTime t) { return (double)t * 1e-6; }
static inline double time_to_ms(SimTime t) { return (double)t * 1e-3; }

#endif
