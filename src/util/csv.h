/*
 * csv.h - writing one CSV field (RFC 4180 quoting), and numbers.
 *
 * Every table simsrv writes (functions.csv, cells.csv, points.csv, ...)
 * quotes a text field only when it must: when it holds a comma, a quote or
 * a line break; a quote inside is doubled.  One writer, so the tables agree.
 *
 * Numbers in machine-read tables are %.17g, so they read back exactly.
 * csv_num writes exactly those bytes, but writes a whole number (most of a
 * sweep's: counts, and zeros) digit by digit: glibc's %.17g costs some
 * 2,000 instructions a number, even for 0.
 */
#ifndef SIM_UTIL_CSV_H
#define SIM_UTIL_CSV_H

#include <stdio.h>

/* Writes s to fp as one CSV field. */
void csv_put_field(FILE *fp, const char *s);

/* x as snprintf(buf, size, "%.17g", x) writes it, into buf (size >= 32);
 * returns its length. */
enum { CSV_NUM_MAX = 32 };
int csv_num(char *buf, size_t size, double x);

#endif
