/*
 * csv.c - one CSV field (see csv.h): plain when it can be, else quoted with
 * its quotes doubled.
 */
#include "csv.h"

#include <string.h>

void csv_put_field(FILE *fp, const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, fp);
        return;
    }
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}
