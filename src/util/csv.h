/*
 * csv.h - writing one CSV field (RFC 4180 quoting).
 *
 * Every table simsrv writes (functions.csv, cells.csv, points.csv, ...)
 * quotes a text field only when it must: when it holds a comma, a quote or
 * a line break; a quote inside is doubled.  One writer, so the tables agree.
 */
#ifndef SIM_UTIL_CSV_H
#define SIM_UTIL_CSV_H

#include <stdio.h>

/* Writes s to fp as one CSV field. */
void csv_put_field(FILE *fp, const char *s);

#endif
