/*
 * csv.c - one CSV field (see csv.h): plain when it can be, else quoted with
 * its quotes doubled; numbers as %.17g writes them.
 */
#include "csv.h"

#include <math.h>
#include <stdint.h>
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

int csv_num(char *buf, size_t size, double x)
{
    /* a whole number below 2^53 in magnitude has at most 16 digits, so
     * %.17g writes it without exponent or point; -0 keeps its sign */
    if (size >= CSV_NUM_MAX && fabs(x) < 9007199254740992.0 &&
        x == (double)(int64_t)x && !(x == 0 && signbit(x))) {
        int64_t v = (int64_t)x;
        uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        char digits[20];
        int n = 0, k = 0;
        do {
            digits[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u != 0);
        if (v < 0)
            buf[k++] = '-';
        while (n > 0)
            buf[k++] = digits[--n];
        buf[k] = '\0';
        return k;
    }
    return snprintf(buf, size, "%.17g", x);
}
