/*
 * criterion_main.c - the main() of every Criterion test executable: runs
 * the tests as Criterion's own main does, then lists the tests that
 * skipped themselves (cr_skip) with their reasons, and exits 77 -- which
 * meson reports as SKIP -- when every test that was selected skipped
 * itself.
 *
 * Why: Criterion leaves a skipped test out of its "Tested:" count and
 * prints the reason only with --verbose, so a test that needs data that is
 * absent (the public traces in ../shared/traces) would pass unseen.  Tests
 * left out by --filter are not listed: Criterion reports them as skipped
 * with the reason "Test is disabled", and the test's own data says so.
 *
 * Representation: the skips are collected by a POST_TEST report hook,
 * which runs in this (the runner) process, into a fixed table of copied
 * names and reasons (the statistics Criterion hands the hook are its own).
 */
#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <stdio.h>
#include <string.h>

#define MAX_SKIPS 64

typedef struct Skip {
    char test[160];
    char reason[240];
} Skip;

static Skip skips[MAX_SKIPS];
static size_t n_skips, n_selected;

static int left_out_by_filter(const struct criterion_test_stats *st)
{
    return st->test->data->disabled ||
           (st->message != NULL && strcmp(st->message, "Test is disabled") == 0);
}

ReportHook(POST_TEST)(struct criterion_test_stats *st)
{
    if (st->test_status == CR_STATUS_SKIPPED && left_out_by_filter(st))
        return;
    n_selected++;
    if (st->test_status != CR_STATUS_SKIPPED)
        return;
    if (n_skips < MAX_SKIPS) {
        Skip *s = &skips[n_skips];
        snprintf(s->test, sizeof s->test, "%s::%s", st->test->category,
                 st->test->name);
        snprintf(s->reason, sizeof s->reason, "%s",
                 st->message != NULL ? st->message : "(no reason given)");
    }
    n_skips++;
}

/* "[SKIP] 2 of 10 test(s) skipped:" and one line per skipped test, on
 * stderr beside Criterion's own summary. */
static void print_skips(void)
{
    if (n_skips == 0)
        return;
    fprintf(stderr, "[SKIP] %zu of %zu test(s) skipped:\n", n_skips, n_selected);
    for (size_t k = 0; k < n_skips && k < MAX_SKIPS; k++)
        fprintf(stderr, "[SKIP]   %s: %s\n", skips[k].test, skips[k].reason);
}

int main(int argc, char *argv[])
{
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    if (criterion_handle_args(argc, argv, true)) {
        result = !criterion_run_all_tests(tests);
        print_skips();
        if (result == 0 && n_skips > 0 && n_skips == n_selected)
            result = 77;
    }
    criterion_finalize(tests);
    return result;
}
