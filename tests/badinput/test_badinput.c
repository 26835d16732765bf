/*
 * test_badinput.c - the catalogue of bad and hostile input, run through the
 * real CLI.
 *
 * Pins, for every case of the table: exit status 2, exactly one line on
 * stderr, that line equal to the expected one (which names the file and
 * its line, or the JSON path), and nothing created or changed in the
 * case's folder, which holds the inputs and the output folder: its names,
 * sizes, modification times and a hash of each file's bytes are the same
 * before and after.  Each case runs twice: once with no output folder
 * (none may appear) and once over a previous output set (it must be left
 * as it was).  Some cases prove that something is *accepted* by failing
 * one line later: a CSV whose header starts with a UTF-8 byte-order mark
 * fails on its line 3, not with "no column", so the header was read;
 * 2024-02-29 on line 2 passes and 2023-02-29 on line 3 does not.
 *
 * Adding a case is one row of `cases`: the scenario body (%M is replaced
 * by the source tree's models folder, %T by its traces folder), up to six
 * extra files in the case's folder (bytes and length, so NUL bytes are
 * possible; %P in a body is a live PID, %WN; is N fields "c,"), extra
 * arguments ('@' is the case's folder), and the expected line, in which
 * '@' stands for the case's folder, %P for that PID and %X for any 16 hex
 * digits (a sweep plan's hash, which covers absolute paths).  The command
 * is `run`, or `sweep`/`merge`/`catalog`/`calibrate` when the case's name
 * starts so (`cli:` gives the arguments alone).  A case may first run a
 * valid command (`setup`) and a shell line in its folder (`shell`), and
 * then runs once, over what they left; a case whose `fifo_then` is set
 * makes files[0] a named pipe that gives its body to the first reader and
 * `fifo_then` to every later one (a trace that changes under the reader:
 * the run fails mid-way, so it runs once, over a previous set).  Each
 * command is the simsrv executable of this build in a process of its own,
 * started in the case's folder (so a stray relative write is seen): some
 * failures exit from deep inside a run.
 *
 * A second test fills a small tmpfs in the middle of `run`, `run
 * --requests` and `sweep` (as root, in a mount namespace of its own): exit
 * 2, one line, the previous set untouched and no temporary left; it skips
 * with the reason elsewhere.
 * Does not pin: the wording of messages outside this table.
 */
#define _GNU_SOURCE /* unshare(2) and CLONE_NEWNS, for the disk-full test */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "support.h"

typedef struct File {
    const char *name; /* in the case's folder; NULL = none */
    const char *body; /* NULL = make a directory of that name */
    size_t len;       /* bytes of body; 0 = strlen(body) */
} File;

typedef struct Case {
    const char *what;
    const char *scenario; /* NULL = bad.json is a directory */
    File files[6];
    const char *arg[6]; /* extra arguments, or NULL */
    const char *want; /* the whole stderr line without its newline;
                         NULL: only exit 2, one line, nothing written */
    const char *setup[10]; /* a valid command run first (after "simsrv") */
    const char *shell;     /* then this, by sh in the case's folder */
    const char *fifo_then; /* files[0] is a FIFO: later readers get this */
} Case;

/* A scenario around one workload; the rest is valid. */
#define SCEN(workload)                                                      \
    "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "              \
    "\"mlp-tabular\", \"workload\": " workload ", \"alternatives\": "       \
    "[{\"name\": \"a\", \"memory_mb\": 512}]}"
#define POISSON "{\"type\": \"poisson\", \"rate_per_s\": 3}"
#define TRACE                                                               \
    "{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "          \
    "\"timestamp\", \"duration_column\": \"duration_ms\", "                 \
    "\"duration_unit\": \"ms\"}"
#define LLM                                                                 \
    "{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "          \
    "\"TIMESTAMP\", \"time_format\": \"datetime\", \"context_column\": "    \
    "\"ContextTokens\", \"generated_column\": \"GeneratedTokens\"}"
#define AZ2019                                                              \
    "{\"type\": \"azure2019\", \"invocations\": \"i.csv\", \"durations\": " \
    "\"%T/azure2019-durations.csv\", \"memory\": "                           \
    "\"%T/azure2019-memory.csv\"}"
/* the 2019 trace with local durations and memory files, the shipped
 * invocations */
#define AZ2019_DM                                                           \
    "{\"type\": \"azure2019\", \"invocations\": "                            \
    "\"%T/azure2019-invocations.csv\", \"durations\": \"d.csv\", "          \
    "\"memory\": \"m.csv\"}"
#define D2019_HEAD                                                          \
    "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,"         \
    "percentile_Average_0,percentile_Average_1,percentile_Average_25,"      \
    "percentile_Average_50,percentile_Average_75,percentile_Average_99,"    \
    "percentile_Average_100\n"
#define M2019_HEAD                                                          \
    "HashOwner,HashApp,SampleCount,AverageAllocatedMb,"                     \
    "AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,"                      \
    "AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,"                    \
    "AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,"                    \
    "AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n"
#define D2019_ROW "own,appA,fA1,40,100,10,120,10,11,20,40,60,90,120\n"
#define M2019_ROW "ownA,appA,120,300,280,285,290,300,310,320,330,340\n"
#define AZ2021 "{\"type\": \"azure2021\", \"file\": \"t.csv\"}"
#define ALT(alt)                                                            \
    "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "              \
    "\"mlp-tabular\", \"workload\": " POISSON ", \"alternatives\": [" alt   \
    "]}"
/* a complete scenario with more top-level members */
#define SCENX(extra)                                                        \
    "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "              \
    "\"mlp-tabular\", \"workload\": " POISSON ", \"alternatives\": "       \
    "[{\"name\": \"a\", \"memory_mb\": 512}], " extra "}"
#define BOM "\xEF\xBB\xBF"
#define LONG100                                                             \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define NAME_RULE                                                           \
    "may use only letters, digits, '-', '_' and '.', and is not '.' or "    \
    "'..' (it names the results directory)"

/* a valid scenario of model x, whose profile is the case's m/x.json */
#define MODEL_X                                                             \
    "{\"horizon_s\": 600, \"models_dir\": \"m\", \"model\": \"x\", "        \
    "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\"}]}"
/* the shipped 2019 trace with more workload and alternative members */
#define AZ19_RUN(wl, alt)                                                   \
    "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "              \
    "\"mlp-tabular\", \"workload\": {\"type\": \"azure2019\", "              \
    "\"invocations\": \"%T/azure2019-invocations.csv\", \"durations\": "     \
    "\"%T/azure2019-durations.csv\", " wl "}, \"alternatives\": "            \
    "[{\"name\": \"a\", \"memory_mb\": 512" alt "}]}"
/* a sweep of the case's s.json (BASE_FILE: a valid scenario) */
#define SWEEPF(body)                                                        \
    "{\"name\": \"sw\", \"scenario\": \"s.json\", \"replications\": 2, " body \
    "}"
#define BASE_FILE {"s.json", SCEN(POISSON), 0}

static const char nul_llm[] = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                              "2023-11-16 12:00:00,100,10\n\0\0\0\n";
static const char nul_2021[] = "app,func,end_timestamp,duration\n"
                               "a,f,10.5,0.5\n\0\0\0\0\n";
static const char nul_d2019[] = D2019_HEAD D2019_ROW "\0\0\0\0\n";
static const char nul_line[] = "timestamp,duration_ms\n1.5,40\n\0\0\0\0\n2.5,40\n";
static const char nul_2019[] = "HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                               "o,a,f,http,1,2\n\0\0\0\n";

/* Rows name only the fields they use; the rest are zero. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

static const Case cases[] = {
    /* names that would leave results/<name>/ */
    {"name .", "{\"name\": \".\", \"horizon_s\": 10}", {{0}}, {NULL},
     "simsrv: @/bad.json: name: '.' " NAME_RULE},
    {"name ..", "{\"name\": \"..\", \"horizon_s\": 10}", {{0}}, {NULL},
     "simsrv: @/bad.json: name: '..' " NAME_RULE},
    {"name with a slash", "{\"name\": \"../x\", \"horizon_s\": 10}", {{0}},
     {NULL}, "simsrv: @/bad.json: name: '../x' " NAME_RULE},
    {"name empty", "{\"name\": \"\", \"horizon_s\": 10}", {{0}}, {NULL},
     "simsrv: @/bad.json: name: '' " NAME_RULE},
    /* control characters stay escaped on the one line */
    {"newline in a name", "{\"name\": \"a\\nb\", \"horizon_s\": 10}", {{0}},
     {NULL}, "simsrv: @/bad.json: name: 'a\\nb' " NAME_RULE},
    {"tab and CR in a name", "{\"name\": \"a\\tb\\r\", \"horizon_s\": 10}",
     {{0}}, {NULL}, "simsrv: @/bad.json: name: 'a\\tb\\r' " NAME_RULE},
    {"control byte in a name", "{\"name\": \"a\\u0001b\", \"horizon_s\": 10}",
     {{0}}, {NULL}, "simsrv: @/bad.json: name: 'a\\x01b' " NAME_RULE},
    {"newline in a key", "{\"horizon_s\": 10, \"col\\nour\": 1}", {{0}}, {NULL},
     "simsrv: @/bad.json: col\\nour: unknown key 'col\\nour' (did you mean "
     "'slo_ms'?)"},
    {"newline in an argument", "{}", {{0}}, {"--bo\ngus"},
     "simsrv: run: unknown option '--bo\\ngus' (try 'simsrv --help')"},
    /* --out beyond the path buffers */
    {"--out too long", "{}", {{0}},
     {"--out", LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 LONG100
         LONG100 LONG100 "x"},
     "simsrv: run: --out: the folder name is longer than 1000 characters "
     "(try 'simsrv --help')"},
    /* folders where files belong */
    {"scenario is a directory", NULL, {{0}}, {NULL},
     "simsrv: @/bad.json: is a directory, not a JSON file"},
    {"model is a directory",
     "{\"horizon_s\": 600, \"models_dir\": \"m\", \"model\": \"x\", "
     "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\"}]}",
     {{"m", NULL, 0}, {"m/x.json", NULL, 0}}, {NULL},
     "simsrv: @/m/x.json: is a directory, not a JSON file"},
    {"trace is a directory", SCEN(TRACE), {{"t.csv", NULL, 0}}, {NULL},
     "simsrv: @/t.csv: is a directory, not a trace file"},
    /* a byte-order mark is accepted: each fails one line later */
    {"BOM in a generic trace", SCEN(TRACE),
     {{"t.csv", BOM "timestamp,duration_ms\n1.5,40\nx,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:3: not a number in the timestamp column"},
    {"BOM in an LLM trace", SCEN(LLM),
     {{"t.csv",
       BOM "TIMESTAMP,ContextTokens,GeneratedTokens\n"
           "2023-11-16 12:00:00.5,100,10\n2023-11-16 12:xx:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:3: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) in "
     "the timestamp column"},
    {"BOM in Azure 2021", SCEN(AZ2021),
     {{"t.csv", BOM "app,func,end_timestamp,duration\na,f,10.5,0.5\na,f,x,1\n",
       0}},
     {NULL}, "simsrv: @/t.csv:3: not a number in the timestamp column"},
    {"BOM in Azure 2019 invocations", SCEN(AZ2019),
     {{"i.csv", BOM "HashOwner,HashApp,HashFunction,Trigger,1,2\n"
                    "o,a,f,http,1,2\no,a,g,http,1\n",
       0},
      {0}},
     {NULL},
     "simsrv: @/i.csv: line 3: 5 columns, the header has 6 (truncated "
     "row?)"},
    {"BOM in Azure 2019 durations", SCEN(AZ2019_DM),
     {{"d.csv", BOM D2019_HEAD D2019_ROW "own,appA,fA2,1\n", 0},
      {"m.csv", M2019_HEAD M2019_ROW, 0}},
     {NULL},
     "simsrv: @/d.csv: line 3: 4 columns, the header has 14 (truncated "
     "row?)"},
    {"BOM in Azure 2019 memory", SCEN(AZ2019_DM),
     {{"d.csv", D2019_HEAD D2019_ROW, 0},
      {"m.csv", BOM M2019_HEAD M2019_ROW "ownA,appA,1\n", 0}},
     {NULL},
     "simsrv: @/m.csv: line 3: 3 columns, the header has 12 (truncated "
     "row?)"},
    /* impossible dates */
    {"2023-02-30", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-30 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: no such date in the timestamp column (the day is "
     "past the end of its month)"},
    {"2023-02-29 after 2024-02-29", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2024-02-29 12:00:00,100,10\n"
       "2023-02-29 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:3: no such date in the timestamp column (the day is "
     "past the end of its month)"},
    {"1900-02-29", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n1900-02-29 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: no such date in the timestamp column (the day is "
     "past the end of its month)"},
    {"2023-04-31", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-04-31 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: no such date in the timestamp column (the day is "
     "past the end of its month)"},
    {"month 13", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-13-01 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) in "
     "the timestamp column"},
    /* NUL bytes */
    {"a line of NUL bytes", SCEN(TRACE),
     {{"t.csv", nul_line, sizeof nul_line - 1}}, {NULL},
     "simsrv: @/t.csv:3: NUL byte in the line (a binary or damaged file?)"},
    {"a NUL inside a line", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,4\0\060\n", 30}}, {NULL},
     "simsrv: @/t.csv:2: NUL byte in the line (a binary or damaged file?)"},
    {"NUL bytes in Azure 2019 invocations", SCEN(AZ2019),
     {{"i.csv", nul_2019, sizeof nul_2019 - 1}}, {NULL},
     "simsrv: @/i.csv: line 3: NUL byte in the line (a binary or damaged "
     "file?)"},
    /* earlier classes: syntax, shape, keys, types, ranges, files */
    {"syntax error", "{\"horizon_s\": 10,,}", {{0}}, {NULL},
     "simsrv: @/bad.json:1:19: JSON syntax error near '}'"},
    {"not an object", "[1, 2]", {{0}}, {NULL},
     "simsrv: @/bad.json: (top level): expected an object, got an array"},
    {"empty file", "", {{0}}, {NULL},
     "simsrv: @/bad.json:1:1: JSON syntax error: unexpected end of file"},
    {"unknown top-level key", "{\"horizon_s\": 10, \"colour\": 1}", {{0}},
     {NULL}, "simsrv: @/bad.json: colour: unknown key 'colour' (did you mean "
     "'slo_ms'?)"},
    {"horizon missing", "{\"model\": \"x\"}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: missing (a number is required)"},
    {"horizon a string", "{\"horizon_s\": \"10\"}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: expected a number, got a string"},
    {"horizon negative", "{\"horizon_s\": -1}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: must be > 0 (got -1)"},
    {"replications zero", "{\"horizon_s\": 10, \"replications\": 0}", {{0}},
     {NULL}, "simsrv: @/bad.json: replications: must be in 1..100000 (got 0)"},
    {"trace missing", SCEN(TRACE), {{0}}, {NULL},
     "simsrv: @/t.csv: cannot open: No such file or directory"},
    {"trace header lacks the column", SCEN(TRACE),
     {{"t.csv", "time,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:1: the header has no column 'timestamp'"},
    {"negative duration", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,-40\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: negative duration"},
    /* more of the earlier classes: workload and alternatives */
    {"workload type unknown", SCEN("{\"type\": \"bogus\"}"), {{0}}, {NULL},
     "simsrv: @/bad.json: workload.type: unknown workload 'bogus' (did "
     "you mean 'steps'?)"},
    {"rate negative", SCEN("{\"type\": \"poisson\", \"rate_per_s\": -2.5}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: must be > 0 (got -2.5)"},
    {"rate missing", SCEN("{\"type\": \"poisson\"}"), {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: missing (a number is "
     "required)"},
    {"rate a string", SCEN("{\"type\": \"poisson\", \"rate_per_s\": \"3\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: expected a number, got a "
     "string"},
    {"workload not an object", SCEN("[1]"), {{0}}, {NULL},
     "simsrv: @/bad.json: workload: expected an object, got an array"},
    /* a huge number is range-checked before any integer cast */
    {"provisioned 1e300",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": 1e300}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: expected a whole "
     "number of instances in 0..1000000 (got 1e+300)"},
    {"no alternatives", ALT(""), {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives: expected a non-empty array of "
     "deployments"},
    {"alternative without a name", ALT("{\"memory_mb\": 512}"), {{0}},
     {NULL},
     "simsrv: @/bad.json: alternatives[0].name: missing (a string is "
     "required)"},
    {"alternative name with a newline",
     ALT("{\"name\": \"x\\ny\", \"memory_mb\": 512}"), {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].name: 'x\\ny' may use only "
     "letters, digits, '-', '_' and '.', and is not '.' or '..'"},
    {"alternative name ..", ALT("{\"name\": \"..\", \"memory_mb\": 512}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].name: '..' may use only "
     "letters, digits, '-', '_' and '.', and is not '.' or '..'"},
    {"alternatives share a name",
     ALT("{\"name\": \"a\", \"memory_mb\": 512}, {\"name\": \"a\", "
         "\"memory_mb\": 512}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[1].name: 'a' is already the name "
     "of alternatives[0]"},
    {"alternative unknown key", ALT("{\"name\": \"a\", \"memroy_mb\": 512}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memroy_mb: unknown key "
     "'memroy_mb' (did you mean 'memory_mb'?)"},
    {"memory a string", ALT("{\"name\": \"a\", \"memory_mb\": \"512\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: expected an "
     "integer, got a string"},
    {"memory zero", ALT("{\"name\": \"a\", \"memory_mb\": 0}"), {{0}},
     {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: must be in "
     "1..1048576 (got 0)"},
    {"pricing unknown", ALT("{\"name\": \"a\", \"pricing\": \"nosuch\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].pricing: unknown pricing "
     "entry 'nosuch' (did you mean 'modal-t4'? 'simsrv catalog' lists "
     "them)"},
    {"platform unknown", ALT("{\"name\": \"a\", \"platform\": \"nosuch\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].platform: unknown platform "
     "'nosuch' (did you mean 'vm'?)"},
    {"keep-alive policy unknown",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"nosuch\"}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.policy: unknown "
     "keep-alive policy 'nosuch' (did you mean 'none'?)"},
    {"keep-alive negative",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"fixed\", \"keepalive_s\": -1}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.keepalive_s: must "
     "be >= 0 (got -1)"},
    {"model unknown",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": \"nosuch\", "
     "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: model: unknown model 'nosuch' (no profile "
     "file %M/nosuch.json)"},
    {"model file not JSON",
     "{\"horizon_s\": 600, \"models_dir\": \"m\", \"model\": \"x\", "
     "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\"}]}",
     {{"m", NULL, 0}, {"m/x.json", "{\"name\": ", 0}}, {NULL},
     "simsrv: @/m/x.json:1:10: JSON syntax error: unexpected end of file"},
    {"seed negative", "{\"horizon_s\": 10, \"seed\": -1}", {{0}}, {NULL},
     "simsrv: @/bad.json: seed: must be in 0..9007199254740991 (got -1)"},
    {"slo negative", "{\"horizon_s\": 10, \"slo_ms\": -1}", {{0}}, {NULL},
     "simsrv: @/bad.json: slo_ms: must be > 0 (got -1)"},
    {"description a number", "{\"horizon_s\": 10, \"description\": 3}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: description: expected a string, got a number"},
    {"name a number", "{\"horizon_s\": 10, \"name\": 3}", {{0}}, {NULL},
     "simsrv: @/bad.json: name: expected a string, got a number"},
    /* more of the earlier classes: traces */
    {"trace empty", SCEN(TRACE), {{"t.csv", "", 0}}, {NULL},
     "simsrv: @/t.csv: empty trace: no header row"},
    {"trace row too short", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: 1 fields, but the header has a different "
     "number (truncated row?)"},
    {"trace row too long", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,40,7\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: 3 fields, but the header has a different "
     "number (truncated row?)"},
    {"trace duration not a number", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,4x\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: not a number in the duration column"},
    {"trace timestamp infinite", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\ninf,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: not a number in the timestamp column"},
    {"LLM offset out of range", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 12:00:00+25:00,"
       "100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) "
     "in the timestamp column"},
    {"LLM tokens negative", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 12:00:00,-1,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: negative context tokens"},
    {"Azure 2021 missing column", SCEN(AZ2021),
     {{"t.csv", "app,func,duration\na,f,0.5\n", 0}}, {NULL},
     "simsrv: @/t.csv:1: the header has no column 'end_timestamp'"},
    {"Azure 2021 duration negative", SCEN(AZ2021),
     {{"t.csv", "app,func,end_timestamp,duration\na,f,10.5,-0.5\n", 0}},
     {NULL},
     "simsrv: @/t.csv:2: negative duration"},
    {"Azure 2019 invocations missing", SCEN(AZ2019), {{0}}, {NULL},
     "simsrv: @/i.csv: cannot open: No such file or directory"},
    {"Azure 2019 count not a number", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,x\n",
       0}},
     {NULL},
     "simsrv: @/i.csv: line 2, column 6: invocation count 'x' is not a "
     "non-negative integer"},
    {"Azure 2019 count negative", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,-2\n",
       0}},
     {NULL},
     "simsrv: @/i.csv: line 2, column 6: invocation count '-2' is not a "
     "non-negative integer"},
    /* sweep and merge */
    {"sweep: name ..", "{\"name\": \"..\", \"scenario\": \"s.json\"}", {{0}},
     {NULL},
     "simsrv: @/bad.json: name: '..' may use only letters, digits, '-', "
     "'_' and '.', and is not '.' or '..' (it names the results "
     "directory)"},
    {"sweep: name with a slash", "{\"name\": \"a/b\", \"scenario\": \"s.json\"}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: name: 'a/b' may use only letters, digits, "
     "'-', '_' and '.', and is not '.' or '..' (it names the results "
     "directory)"},
    {"sweep: --out too long", "{}", {{0}},
     {"--out", LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 LONG100
                   LONG100 LONG100 "x"},
     "simsrv: sweep: --out: the folder name is longer than 1000 "
     "characters (try 'simsrv sweep --help')"},
    {"merge: --out too long", "{}", {{0}},
     {"--out", LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 LONG100 LONG100
                   LONG100 LONG100 "x"},
     "simsrv: merge: --out: the folder name is longer than 1000 "
     "characters (try 'simsrv sweep --help')"},
    {"sweep: scenario missing", "{\"scenario\": \"nosuch.json\"}", {{0}},
     {NULL},
     "simsrv: @/nosuch.json: cannot open: No such file or directory"},
    {"sweep: unknown key", "{\"scenario\": \"s.json\", \"colour\": 1}", {{0}},
     {NULL},
     "simsrv: @/bad.json: colour: unknown key 'colour' (did you mean "
     "'points'?)"},
    /* --- crashes of issue 13 (item 1): traces wider than the reader --- */
    {"trace header of 303 columns", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms,%W300;x\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:1: the header has more than 255 columns (the "
     "reader's bound)"},
    {"trace header of exactly 256 columns", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms,%W253;x\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:1: the header has more than 255 columns (the "
     "reader's bound)"},
    {"trace row of 302 fields", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,%W300;40\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: the row has more than 255 fields (the reader's "
     "bound)"},
    {"trace row of exactly 256 fields", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,%W254;40\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: the row has more than 255 fields (the reader's "
     "bound)"},
    {"LLM trace header of 303 columns", SCEN(LLM),
     {{"t.csv", "TIMESTAMP,ContextTokens,GeneratedTokens,%W300;\n", 0}},
     {NULL},
     "simsrv: @/t.csv:1: the header has more than 255 columns (the "
     "reader's bound)"},
    {"Azure 2021 row of 301 fields", SCEN(AZ2021),
     {{"t.csv", "app,func,end_timestamp,duration\na,f,%W298;10.5,0.5\n", 0}},
     {NULL},
     "simsrv: @/t.csv:2: the row has more than 255 fields (the reader's "
     "bound)"},
    {"Azure 2019 invocations of 4101 columns", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,HashFunction,Trigger,%W4096;1\n", 0}},
     {NULL},
     "simsrv: @/i.csv: line 1: more than 4096 columns"},
    /* --- item 2: quartile sampling of fewer than four functions is
     * accepted (no GSL abort): each fails later, at its alternative --- */
    {"quartile sample of 2 of the 2019 trace's 5 functions",
     AZ19_RUN("\"sample\": {\"method\": \"quartile\", \"n\": 2}",
              ", \"provisioned\": 1"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: provisioned "
     "concurrency is per function and this workload (azure2019) has "
     "many functions; not supported"},
    {"quartile sample of 1 of the 2021 trace's functions",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"workload\": {\"type\": \"azure2021\", \"file\": "
     "\"%T/azure2021-invocations.csv\", \"sample\": {\"method\": "
     "\"quartile\", \"n\": 1}}, \"alternatives\": [{\"name\": \"a\", "
     "\"memory_mb\": 512, \"provisioned\": 1}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: provisioned "
     "concurrency is per function and this workload (azure2021) has "
     "many functions; not supported"},
    {"quartile sample of 3 functions of a generic trace",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"workload\": {\"type\": \"trace\", \"file\": "
     "\"t.csv\", \"time_column\": \"timestamp\", \"duration_column\": "
     "\"duration_ms\", \"duration_unit\": \"ms\", \"function_column\": "
     "\"fn\", \"sample\": {\"method\": \"quartile\", \"n\": 3}}, "
     "\"alternatives\": [{\"name\": \"a\", \"memory_mb\": 512, "
     "\"provisioned\": 1}]}",
     {{"t.csv", "timestamp,duration_ms,fn\n1,40,a\n2,40,b\n3,40,c\n4,40,d\n",
       0}},
     {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: provisioned "
     "concurrency is per function and this workload (trace) has many "
     "functions; not supported"},
    /* --- item 4: numbers beyond every integer, range-checked first --- */
    {"Azure 2019 start_s 1e300 replays nothing",
     AZ19_RUN("\"start_s\": 1e300", ""),
     {{0}}, {NULL},
     "simsrv: %T/azure2019-invocations.csv: no invocation to replay (in "
     "the window, of the kept functions)"},
    {"Azure 2019 end_s 1e300 replays the whole trace",
     AZ19_RUN("\"end_s\": 1e300", ", \"provisioned\": 1"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: provisioned "
     "concurrency is per function and this workload (azure2019) has "
     "many functions; not supported"},
    {"Azure 2019 start_s 1e300 after end_s",
     AZ19_RUN("\"start_s\": 1e300, \"end_s\": 60", ""),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.end_s: must be after start_s (60 <= "
     "1e+300)"},
    {"trace start_s 1e300 replays nothing",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"duration_unit\": \"ms\", \"start_s\": 1e300}"),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n2.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv: no request to replay (empty trace, or nothing in "
     "the window / for that function)"},
    {"provisioned 1e300 in defaults",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"workload\": " POISSON ", \"defaults\": "
     "{\"provisioned\": 1e300}, \"alternatives\": [{\"name\": \"a\", "
     "\"memory_mb\": 512}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: defaults.provisioned: expected a whole number "
     "of instances in 0..1000000 (got 1e+300)"},
    {"provisioned -1e300",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": -1e300}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: expected a whole "
     "number of instances in 0..1000000 (got -1e+300)"},
    {"provisioned 1.5",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": 1.5}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: expected a whole "
     "number of instances in 0..1000000 (got 1.5)"},
    {"provisioned schedule count 1e300",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": "
         "{\"schedule\": [{\"at_h\": 0, \"count\": 1e300}]}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: "
     "alternatives[0].provisioned.schedule[0].count: must be in "
     "0..1000000 (got 1.0000000000000001e+300)"},
    {"memory_mb 1e300", ALT("{\"name\": \"a\", \"memory_mb\": 1e300}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: must be in "
     "1..1048576 (got 1.0000000000000001e+300)"},
    {"replications 1e300", "{\"horizon_s\": 10, \"replications\": 1e300}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: replications: must be in 1..100000 (got "
     "1.0000000000000001e+300)"},
    {"seed 1e300", "{\"horizon_s\": 10, \"seed\": 1e300}", {{0}}, {NULL},
     "simsrv: @/bad.json: seed: must be in 0..9007199254740991 (got "
     "1.0000000000000001e+300)"},
    {"seed 2^53", "{\"horizon_s\": 10, \"seed\": 9007199254740992}", {{0}},
     {NULL},
     "simsrv: @/bad.json: seed: must be in 0..9007199254740991 (got "
     "9007199254740992)"},
    {"horizon 1e300", "{\"horizon_s\": 1e300}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: at most 100 years (3.15e9 s)"},
    {"horizon 1e999", "{\"horizon_s\": 1e999}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: must be a finite number (got "
     "infinity)"},
    {"concurrency 1e300",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"concurrency\": 1e300}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].concurrency: must be in "
     "1..1000 (got 1.0000000000000001e+300)"},
    {"max_instances 1e300",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"max_instances\": 1e300}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].max_instances: must be in "
     "0..10000000 (got 1.0000000000000001e+300)"},
    /* --- item 3: sweep keys longer than their 127-character slot --- */
    {"sweep: grid key of 200 characters",
     SWEEPF("\"grid\": {\"" LONG100 LONG100 "\": [1, 2]}"), {BASE_FILE},
     {NULL},
     "simsrv: @/bad.json: grid: a swept path is 200 characters (at most "
     "127)"},
    {"sweep: grid key of 128 characters",
     SWEEPF("\"grid\": {\"" LONG100 "xxxxxxxxxxxxxxxxxxxxxxxxxxxx\": [1]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: grid: a swept path is 128 characters (at most "
     "127)"},
    {"sweep: zip key of 200 characters",
     SWEEPF("\"zip\": {\"horizon_s\": [10, 20], \"" LONG100 LONG100
            "\": [1, 2]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: zip: a swept path is 200 characters (at most "
     "127)"},
    {"sweep: points key of 200 characters",
     SWEEPF("\"points\": [{\"" LONG100 LONG100 "\": 1}]"), {BASE_FILE},
     {NULL},
     "simsrv: @/bad.json: points[0]: a swept path is 200 characters (at "
     "most 127)"},
    {"sweep: newline in a grid key",
     SWEEPF("\"grid\": {\"horizon\\n_s\": [10]}"), {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: point 0 makes the scenario invalid: @/s.json: "
     "horizon\\n_s: unknown key 'horizon\\n_s' (did you mean "
     "'horizon_s'?)"},
    /* --- item 9: names, control characters, --out, folders, BOM, dates,
     * NUL bytes (beyond those above) --- */
    {"sweep: name .", "{\"name\": \".\", \"scenario\": \"s.json\"}", {{0}},
     {NULL},
     "simsrv: @/bad.json: name: '.' may use only letters, digits, '-', "
     "'_' and '.', and is not '.' or '..' (it names the results "
     "directory)"},
    {"sweep: name with a newline",
     "{\"name\": \"a\\nb\", \"scenario\": \"s.json\"}", {{0}}, {NULL},
     "simsrv: @/bad.json: name: 'a\\nb' may use only letters, digits, "
     "'-', '_' and '.', and is not '.' or '..' (it names the results "
     "directory)"},
    {"name with a DEL byte", "{\"name\": \"a\\u007fb\", \"horizon_s\": 10}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: name: 'a\\x7fb' may use only letters, digits, "
     "'-', '_' and '.', and is not '.' or '..' (it names the results "
     "directory)"},
    {"name of 300 characters",
     "{\"name\": \"" LONG100 LONG100 LONG100 "\", \"horizon_s\": 10}", {{0}},
     {NULL},
     "simsrv: @/bad.json: name: too long (at most 63 characters)"},
    {"newline in a nested key",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": "
         "{\"keep\\nalive_s\": 1}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.keep\\nalive_s: "
     "unknown key 'keep\\nalive_s' (did you mean 'keepalive_s'?)"},
    {"newline in a model name",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp\\ntabular\", \"workload\": " POISSON
     ", \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: model: unknown model 'mlp\\ntabular' (no "
     "profile file %M/mlp\\ntabular.json)"},
    {"newline in a column name",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"time\\nstamp\", \"duration_column\": \"duration_ms\"}"),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:1: the header has no column 'time\\nstamp'"},
    {"newline in a trace file name",
     SCEN("{\"type\": \"trace\", \"file\": \"t\\n.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\"}"),
     {{0}}, {NULL},
     "simsrv: @/t\\n.csv: cannot open: No such file or directory"},
    {"escape sequence in a pricing name",
     ALT("{\"name\": \"a\", \"pricing\": \"\\u001b[31mred\"}"), {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].pricing: unknown pricing "
     "entry '\\x1b[31mred' (did you mean 'modal-t4'? 'simsrv catalog' "
     "lists them)"},
    {"calibrate: --out too long", "{}", {{"m.onnx", "not onnx", 0}},
     {"@/m.onnx", "--out", LONG100 LONG100 LONG100 LONG100 LONG100 LONG100
                             LONG100 LONG100 LONG100 LONG100 LONG100},
     "simsrv: calibrate: --out: the file name is longer than 1023 "
     "characters"},
    {"sweep: sweep file is a directory", NULL, {{0}}, {NULL},
     "simsrv: @/bad.json: is a directory, not a JSON file"},
    {"sweep: base scenario is a directory",
     SWEEPF("\"grid\": {\"horizon_s\": [10]}"), {{"s.json", NULL, 0}},
     {NULL},
     "simsrv: @/s.json: is a directory, not a JSON file"},
    {"merge: sweep file is a directory", NULL, {{"results", NULL, 0}},
     {NULL},
     "simsrv: @/bad.json: is a directory, not a JSON file"},
    {"Azure 2019 invocations is a directory", SCEN(AZ2019),
     {{"i.csv", NULL, 0}}, {NULL},
     "simsrv: @/i.csv: is a directory, not a trace file"},
    {"Azure 2021 trace is a directory", SCEN(AZ2021), {{"t.csv", NULL, 0}},
     {NULL},
     "simsrv: @/t.csv: is a directory, not a trace file"},
    {"pricing catalog is a directory",
     SCENX("\"pricing_catalog\": \"p.json\""),
     {{"p.json", NULL, 0}}, {NULL},
     "simsrv: @/p.json: is a directory, not a JSON file"},
    {"models_dir is a file",
     MODEL_X,
     {{"m", "not a folder\n", 0}}, {NULL},
     "simsrv: @/bad.json: model: unknown model 'x' (no profile file "
     "@/m/x.json)"},
    {"BOM in the scenario is accepted", BOM "{\"horizon_s\": -1}", {{0}},
     {NULL},
     "simsrv: @/bad.json: horizon_s: must be > 0 (got -1)"},
    {"BOM in a model profile is accepted",
     MODEL_X,
     {{"m", NULL, 0}, {"m/x.json", BOM "[1]", 0}}, {NULL},
     "simsrv: @/m/x.json: (top level): expected an object, got an array"},
    {"sweep: BOM in the sweep file is accepted",
     BOM "{\"scenario\": \"s.json\", \"colour\": 1}", {{0}}, {NULL},
     "simsrv: @/bad.json: colour: unknown key 'colour' (did you mean "
     "'points'?)"},
    {"BOM twice in a trace", SCEN(TRACE),
     {{"t.csv", BOM BOM "timestamp,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:1: the header has no column 'timestamp'"},
    {"BOM on a trace's second line", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n" BOM "1.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: not a number in the timestamp column"},
    {"2023-02-30 with an offset", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n"
       "2023-02-30 12:00:00+01:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: no such date in the timestamp column (the day "
     "is past the end of its month)"},
    {"2023-06-31", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-06-31 00:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: no such date in the timestamp column (the day "
     "is past the end of its month)"},
    {"day 00", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-06-00 00:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) "
     "in the timestamp column"},
    {"2000-02-29 is accepted", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2000-02-29 12:00:00,100,10\n"
       "2000-02-30 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:3: no such date in the timestamp column (the day "
     "is past the end of its month)"},
    {"hour 24", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-06-01 24:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) "
     "in the timestamp column"},
    {"a NUL byte in the scenario", "{}",
     {{"bad.json", "{\"horizon_s\": 10}\0\n", 19}}, {NULL},
     "simsrv: @/bad.json: contains a NUL byte: not a JSON text file"},
    {"a NUL byte in a model profile",
     MODEL_X,
     {{"m", NULL, 0}, {"m/x.json", "{\"name\": \"x\"}\0\n", 15}}, {NULL},
     "simsrv: @/m/x.json: contains a NUL byte: not a JSON text file"},
    {"a line of NUL bytes in an LLM trace", SCEN(LLM),
     {{"t.csv", nul_llm, sizeof nul_llm - 1}}, {NULL},
     "simsrv: @/t.csv:3: NUL byte in the line (a binary or damaged "
     "file?)"},
    {"a line of NUL bytes in Azure 2021", SCEN(AZ2021),
     {{"t.csv", nul_2021, sizeof nul_2021 - 1}}, {NULL},
     "simsrv: @/t.csv:3: NUL byte in the line (a binary or damaged "
     "file?)"},
    {"NUL bytes in Azure 2019 durations", SCEN(AZ2019_DM),
     {{"d.csv", nul_d2019, sizeof nul_d2019 - 1},
      {"m.csv", M2019_HEAD M2019_ROW, 0}},
     {NULL},
     "simsrv: @/d.csv: line 3: NUL byte in the line (a binary or "
     "damaged file?)"},
    {"a trace of NUL bytes only", SCEN(TRACE),
     {{"t.csv", "\0\0\0\0\0\0\0\0", 8}}, {NULL},
     "simsrv: @/t.csv:1: NUL byte in the line (a binary or damaged "
     "file?)"},
    /* --- items 6 and 10: a trace that changes under its reader; the
     * folder lock --- */
    {"trace changed under the reader", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n2.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv:3: not a number in the timestamp column (changed "
     "after it was checked?)",
     .fifo_then = "timestamp,duration_ms\n1.5,40\nx,40\n"},
    {"trace emptied under the reader", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n2.5,40\n", 0}}, {NULL},
     "simsrv: @/t.csv: empty trace: no header row (changed after it was "
     "checked?)",
     .fifo_then = ""},
    {"LLM trace changed under the reader", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 12:00:00,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: no such date in the timestamp column (the day is "
     "past the end of its month) (changed after it was checked?)",
     .fifo_then = "TIMESTAMP,ContextTokens,GeneratedTokens\n"
                  "2023-02-30 12:00:00,100,10\n"},
    {"sweep: a live sweep holds the folder's lock",
     SWEEPF("\"grid\": {\"horizon_s\": [10]}"),
     {BASE_FILE, {"results", NULL, 0}, {"results/.simsrv.lock", "%P\n", 0}},
     {NULL},
     "simsrv: @/results/.simsrv.lock: held by simsrv process %P, which "
     "is writing into this folder; wait for it or use another --out"},
    {"sweep: a sweep on another host holds the lock",
     SWEEPF("\"grid\": {\"horizon_s\": [10]}"),
     {BASE_FILE, {"results", NULL, 0},
      {"results/.simsrv.lock", "4242 otherhost\n", 0}},
     {NULL},
     "simsrv: @/results/.simsrv.lock: held by simsrv process 4242 on "
     "otherhost, which is writing into this folder; wait for it, or "
     "remove this file if that process is gone"},
    {"merge: a live sweep holds the folder's lock",
     SWEEPF("\"grid\": {\"horizon_s\": [10]}"),
     {BASE_FILE, {"results", NULL, 0}, {"results/.simsrv.lock", "%P\n", 0}},
     {NULL},
     "simsrv: @/results/.simsrv.lock: held by simsrv process %P, which "
     "is writing into this folder; wait for it or use another --out"},
    {"sweep: a live shard holds its shard's lock",
     SWEEPF("\"grid\": {\"horizon_s\": [10]}"),
     {BASE_FILE, {"results", NULL, 0},
      {"results/.shard-0-of-2.lock", "%P otherhost\n", 0}},
     {"--shard", "0/2"},
     "simsrv: @/results/.shard-0-of-2.lock: held by simsrv process %P "
     "on otherhost, which is writing into this folder; wait for it, or "
     "remove this file if that process is gone"},
    /* --- earlier classes: the scenario's top level --- */
    {"horizon over 100 years", "{\"horizon_s\": 4e9}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: at most 100 years (3.15e9 s)"},
    {"horizon null", "{\"horizon_s\": null}", {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: expected a number, got null"},
    {"replications 100001", "{\"horizon_s\": 10, \"replications\": 100001}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: replications: must be in 1..100000 (got "
     "100001)"},
    {"replications fractional", "{\"horizon_s\": 10, \"replications\": 2.5}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: replications: expected an integer (got 2.5)"},
    {"timeseries interval too fine",
     "{\"horizon_s\": 600, \"timeseries_interval_s\": 1e-6}", {{0}}, {NULL},
     "simsrv: @/bad.json: timeseries_interval_s: 1e-06 s gives over 10 "
     "million rows for this horizon; use a longer interval or 0 (none)"},
    {"timeseries interval negative",
     "{\"horizon_s\": 600, \"timeseries_interval_s\": -1}", {{0}}, {NULL},
     "simsrv: @/bad.json: timeseries_interval_s: must be >= 0 (got -1)"},
    {"a key given twice",
     "{\"horizon_s\": 10, \"horizon_s\": 20, \"seed\": -1}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: horizon_s: duplicate key 'horizon_s'"},
    {"trailing text after the object", "{\"horizon_s\": 10} x", {{0}}, {NULL},
     "simsrv: @/bad.json:1:19: JSON syntax error near 'x'"},
    {"syntax error on line 3", "{\n  \"horizon_s\": 10\n  \"seed\": 1\n}",
     {{0}}, {NULL},
     "simsrv: @/bad.json:3:3: JSON syntax error near '\"seed\": 1'"},
    {"unterminated string", "{\"name\": \"abc", {{0}}, {NULL},
     "simsrv: @/bad.json:1:11: JSON syntax error near 'abc'"},
    {"cli: scenario missing", "{}", {{0}},
     {"run", "@/nosuch.json", "--out", "@/results"},
     "simsrv: @/nosuch.json: cannot open: No such file or directory"},
    {"models_dir missing",
     "{\"horizon_s\": 600, \"models_dir\": \"nosuch\", \"model\": \"x\", "
     "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: model: unknown model 'x' (no profile file "
     "@/nosuch/x.json)"},
    {"model missing", "{\"horizon_s\": 600, \"models_dir\": \"%M\", "
                      "\"workload\": " POISSON
                      ", \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: model: missing (a string is required)"},
    {"workload missing",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload: missing (an object with a \"type\" "
     "is required)"},
    {"alternatives not an array",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"workload\": " POISSON ", \"alternatives\": {}}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives: expected a non-empty array of "
     "deployments"},
    {"defaults with a name",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"workload\": " POISSON ", \"defaults\": {\"name\": "
     "\"d\"}, \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: defaults.name: each alternative names itself"},
    {"warmup method unknown",
     SCENX("\"warmup\": {\"method\": \"mser4\"}"), {{0}},
     {NULL},
     "simsrv: @/bad.json: warmup.method: unknown value 'mser4' (did you "
     "mean 'mser5'?)"},
    {"warmup fixed without warmup_s",
     SCENX("\"warmup\": {\"method\": \"fixed\"}"), {{0}},
     {NULL},
     "simsrv: @/bad.json: warmup.warmup_s: missing (a number is "
     "required)"},
    {"warmup as long as the horizon",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"workload\": " POISSON ", \"warmup\": {\"method\": "
     "\"fixed\", \"warmup_s\": 600}, \"alternatives\": [{\"name\": \"a\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: warmup.warmup_s: must be shorter than the "
     "horizon (600 >= 600)"},
    {"pricing catalog missing",
     SCENX("\"pricing_catalog\": \"nosuch.json\""), {{0}},
     {NULL},
     "simsrv: @/nosuch.json: cannot open: No such file or directory"},
    {"pricing catalog entries not an array",
     SCENX("\"pricing_catalog\": \"p.json\""),
     {{"p.json", "{\"entries\": 3}", 0}}, {NULL},
     "simsrv: @/p.json: entries: expected an array of price entries"},
    {"pricing catalog tiers that fall",
     SCENX("\"pricing_catalog\": \"p.json\""),
     {{"p.json",
       "{\"entries\": [{\"id\": \"aws-lambda-x86\", \"tiers\": "
       "[{\"from_gb_s_per_month\": 0, \"discount\": 0}, "
       "{\"from_gb_s_per_month\": 0, \"discount\": 0.2}]}]}",
       0}},
     {NULL},
     "simsrv: @/p.json: entries[0].tiers[1]: tiers start at 0 GB-s, "
     "rise strictly, and discount by less than 1"},
    {"pricing catalog VM of 1e300 vCPUs",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "
     "\"mlp-tabular\", \"pricing_catalog\": \"p.json\", \"workload\": " POISSON
     ", \"alternatives\": [{\"name\": \"a\", \"platform\": \"vm\", \"vm\": "
     "{\"instance_type\": \"c7i.large\"}}]}",
     {{"p.json", "{\"entries\": [{\"id\": \"c7i.large\", \"vcpus\": 1e300}]}",
       0}},
     {NULL},
     "simsrv: @/p.json: entries[0]: at most 100,000 vcpus and 1,000,000 "
     "memory_gb or gpu_memory_gb (got 1e+300, 4, 0)"},
    {"profile ref_vcpus 1e-300 on a VM",
     "{\"horizon_s\": 600, \"models_dir\": \"m\", \"model\": \"x\", "
     "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\", "
     "\"platform\": \"vm\", \"vm\": {\"instance_type\": \"c7i.large\"}}]}",
     {{"m", NULL, 0},
      {"m/x.json",
       "{\"name\": \"x\", \"size_mb\": 5, \"memory_mb\": 10, \"hardware\": "
       "{\"cpu\": {\"ref_vcpus\": 1e-300, \"warm\": {\"dist\": "
       "\"constant\", \"value_ms\": 4}, \"cold_total\": {\"dist\": "
       "\"constant\", \"value_ms\": 9}}}}",
       0}},
     {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.slots: 100000 slots of model "
     "'x' need 1e+06 MB, more than c7i.large has (4096 MB)"},
    /* --- earlier classes: workloads --- */
    {"poisson end_s before start_s",
     SCEN("{\"type\": \"poisson\", \"rate_per_s\": 3, \"start_s\": 10, "
          "\"end_s\": 5}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.end_s: must be after start_s (5 <= "
     "10)"},
    {"poisson rate infinite",
     SCEN("{\"type\": \"poisson\", \"rate_per_s\": 1e999}"), {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: must be a finite number "
     "(got infinity)"},
    {"poisson unknown key", SCEN("{\"type\": \"poisson\", \"rate\": 3}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate: unknown key 'rate' (did you "
     "mean 'type'?)"},
    {"workload type missing", SCEN("{\"rate_per_s\": 3}"), {{0}}, {NULL},
     "simsrv: @/bad.json: workload.type: missing (a string is required)"},
    {"steps empty", SCEN("{\"type\": \"steps\", \"steps\": []}"), {{0}},
     {NULL},
     "simsrv: @/bad.json: workload.steps: expected an array of 1 to 64 "
     "{\"at_s\": .., \"rate_per_s\": ..}"},
    {"steps not starting at 0",
     SCEN("{\"type\": \"steps\", \"steps\": [{\"at_s\": 5, \"rate_per_s\": "
          "1}]}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.steps[0].at_s: the first step must "
     "start at 0"},
    {"steps out of order",
     SCEN("{\"type\": \"steps\", \"steps\": [{\"at_s\": 0, \"rate_per_s\": "
          "1}, {\"at_s\": 60, \"rate_per_s\": 2}, {\"at_s\": 30, "
          "\"rate_per_s\": 3}]}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.steps[2].at_s: steps must be in "
     "increasing time order"},
    {"diurnal amplitude 2",
     SCEN("{\"type\": \"diurnal\", \"rate_per_s\": 1, \"amplitude\": 2}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.amplitude: must be in 0..1 (got 2)"},
    {"mmpp without mean_on_s",
     SCEN("{\"type\": \"mmpp\", \"rate_on_per_s\": 5, \"rate_off_per_s\": "
          "0.1, \"mean_off_s\": 60}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.mean_on_s: missing (a number is "
     "required)"},
    {"trace time unit unknown",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"time_unit\": \"minutes\"}"),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.time_unit: unknown value 'minutes' "
     "(did you mean 'ms'?)"},
    {"trace function without function_column",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"function\": \"f\"}"),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.function: needs function_column"},
    {"trace sample without function_column",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"sample\": {\"method\": \"top\", \"n\": 1}}"),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.sample: samples functions, so it "
     "needs function_column (and no single function)"},
    {"sample method unknown",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"function_column\": \"fn\", \"sample\": {\"method\": "
          "\"quartiles\", \"n\": 1}}"),
     {{"t.csv", "timestamp,duration_ms,fn\n1.5,40,a\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.sample.method: unknown value "
     "'quartiles' (did you mean 'quartile'?)"},
    {"sample top without n",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"function_column\": \"fn\", \"sample\": {\"method\": "
          "\"top\"}}"),
     {{"t.csv", "timestamp,duration_ms,fn\n1.5,40,a\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.sample.n: missing (an integer is "
     "required)"},
    {"trace time_scale 0",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"time_scale\": 0}"),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.time_scale: must be > 0 (got 0)"},
    {"trace out of order beyond the look-ahead",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"timestamp\", \"duration_column\": \"duration_ms\", "
          "\"lookahead\": 2}"),
     {{"t.csv", "timestamp,duration_ms\n5,1\n6,1\n7,1\n8,1\n1,1\n", 0}},
     {NULL},
     "simsrv: @/t.csv:6: timestamp out of order beyond the look-ahead "
     "of 2 rows (sort the trace, or raise lookahead)"},
    {"trace line longer than 65,535 bytes", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n1.5,40\n%W33000;\n", 0}}, {NULL},
     "simsrv: @/t.csv:3: line longer than 65,535 bytes"},
    {"trace only a header", SCEN(TRACE),
     {{"t.csv", "timestamp,duration_ms\n", 0}}, {NULL},
     "simsrv: @/t.csv: no request to replay (empty trace, or nothing in "
     "the window / for that function)"},
    {"trace a corrupt gzip", SCEN(TRACE),
     {{"t.csv", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03garbage", 17}},
     {NULL},
     "simsrv: @/t.csv: read error (corrupt or truncated file)"},
    {"LLM time format unknown",
     SCEN("{\"type\": \"trace\", \"file\": \"t.csv\", \"time_column\": "
          "\"TIMESTAMP\", \"time_format\": \"iso\"}"),
     {{"t.csv", "TIMESTAMP\n2023-11-16 12:00:00\n", 0}}, {NULL},
     "simsrv: @/bad.json: workload.time_format: unknown value 'iso' "
     "(did you mean 'number'?)"},
    {"LLM tokens fractional", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n"
       "2023-11-16 12:00:00,100,10.5\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a whole number in the generated tokens "
     "column"},
    {"LLM offset minutes 60", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 12:00:00+05:60,"
       "100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) "
     "in the timestamp column"},
    {"LLM seconds 61", SCEN(LLM),
     {{"t.csv",
       "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 12:00:61,100,10\n",
       0}},
     {NULL},
     "simsrv: @/t.csv:2: not a datetime (YYYY-MM-DD HH:MM:SS[+HH:MM]) "
     "in the timestamp column"},
    {"Azure 2021 empty", SCEN(AZ2021), {{"t.csv", "", 0}}, {NULL},
     "simsrv: @/t.csv: empty trace: no header row"},
    {"Azure 2021 truncated row", SCEN(AZ2021),
     {{"t.csv", "app,func,end_timestamp,duration\na,f,10,1\na,f,11\n", 0}},
     {NULL},
     "simsrv: @/t.csv:3: 3 fields, but the header has a different "
     "number (truncated row?)"},
    {"Azure 2021 end before the duration", SCEN(AZ2021),
     {{"t.csv", "app,func,end_timestamp,duration\na,f,ten,1\n", 0}}, {NULL},
     "simsrv: @/t.csv:2: not a number in the timestamp column"},
    {"Azure 2019 empty invocations", SCEN(AZ2019), {{"i.csv", "", 0}},
     {NULL},
     "simsrv: @/i.csv: empty file (no header)"},
    {"Azure 2019 no HashFunction column", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,Trigger,1,2\no,a,http,1,2\n", 0}}, {NULL},
     "simsrv: @/i.csv: line 1: no column 'HashFunction' in the header"},
    {"Azure 2019 no minute columns", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,HashFunction,Trigger\no,a,f,http\n", 0}},
     {NULL},
     "simsrv: @/i.csv: line 1: no minute columns (headers 1..1440)"},
    {"Azure 2019 spacing unknown",
     SCEN("{\"type\": \"azure2019\", \"invocations\": "
          "\"%T/azure2019-invocations.csv\", \"durations\": "
          "\"%T/azure2019-durations.csv\", \"spacing\": \"even\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.spacing: unknown value 'even' (did "
     "you mean 'poisson'?)"},
    {"Azure 2019 durations missing", SCEN(AZ2019_DM),
     {{"m.csv", M2019_HEAD M2019_ROW, 0}}, {NULL},
     "simsrv: @/d.csv: cannot open: No such file or directory"},
    {"Azure 2019 duration not a number", SCEN(AZ2019_DM),
     {{"d.csv", D2019_HEAD "own,appA,fA1,40,100,10,120,10,11,x,40,60,90,120\n",
       0},
      {"m.csv", M2019_HEAD M2019_ROW, 0}},
     {NULL},
     "simsrv: @/d.csv: line 2, column 10 (percentile_Average_25): 'x' "
     "is not a non-negative number"},
    {"Azure 2019 duration percentiles decrease", SCEN(AZ2019_DM),
     {{"d.csv", D2019_HEAD "own,appA,fA1,40,100,10,120,10,11,20,15,60,90,120\n",
       0},
      {"m.csv", M2019_HEAD M2019_ROW, 0}},
     {NULL},
     "simsrv: @/d.csv: line 2: duration percentiles decrease "
     "(percentile_Average_50)"},
    {"Azure 2019 memory without a column", SCEN(AZ2019_DM),
     {{"d.csv", D2019_HEAD D2019_ROW, 0},
      {"m.csv", "HashOwner,HashApp,SampleCount\nownA,appA,120\n", 0}},
     {NULL},
     "simsrv: @/m.csv: line 1: no column 'AverageAllocatedMb' in the "
     "header"},
    /* --- earlier classes: alternatives, VMs, limits, policies --- */
    {"memory_mb over 1 TB", ALT("{\"name\": \"a\", \"memory_mb\": 1048577}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: must be in "
     "1..1048576 (got 1048577)"},
    {"memory_mb fractional", ALT("{\"name\": \"a\", \"memory_mb\": 512.5}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: expected an "
     "integer (got 512.5)"},
    {"memory below the model's footprint",
     "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": \"resnet50\", "
     "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\", "
     "\"memory_mb\": 256}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: 256 MB is less "
     "than model 'resnet50' needs resident (292 MB)"},
    {"hardware the model lacks",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"hardware\": \"gpu-z9\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].hardware: model 'mlp-tabular' "
     "has no profile for hardware 'gpu-z9' (it has: cpu, cpu-arm)"},
    {"a VM type as a serverless price",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"pricing\": \"c7i.large\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].pricing: 'c7i.large' is not a "
     "serverless price entry (it is a VM instance type; use it in "
     "\"vm\")"},
    {"Lambda memory 20480 MB",
     ALT("{\"name\": \"a\", \"memory_mb\": 20480}"), {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: 20480 MB is beyond "
     "the limit of aws-lambda-x86: 128 to 10240 MB in 1 MB steps "
     "(Lambda developer guide: quotas (memory 128-10,240 MB in 1 MB "
     "steps; timeout 900 s), 'Configure memory' (1,769 MB per vCPU, at "
     "most 6 vCPU), 'Understanding Lambda function scaling' (one "
     "request at a time per execution environment), 2026-11); "
     "\"beyond_limits\": true runs it anyway"},
    {"Lambda concurrency 10",
     ALT("{\"name\": \"a\", \"memory_mb\": 2048, \"concurrency\": 10}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].concurrency: 10 requests per "
     "instance is beyond the limit of aws-lambda-x86: at most 1 per "
     "instance (Lambda developer guide: quotas (memory 128-10,240 MB in "
     "1 MB steps; timeout 900 s), 'Configure memory' (1,769 MB per "
     "vCPU, at most 6 vCPU), 'Understanding Lambda function scaling' "
     "(one request at a time per execution environment), 2026-11); "
     "\"beyond_limits\": true runs it anyway"},
    {"Lambda timeout 901 s",
     ALT("{\"name\": \"a\", \"memory_mb\": 1024, \"timeout_s\": 901}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].timeout_s: 901 s is beyond "
     "the limit of aws-lambda-x86: a timeout of at most 900 s (Lambda "
     "developer guide: quotas (memory 128-10,240 MB in 1 MB steps; "
     "timeout 900 s), 'Configure memory' (1,769 MB per vCPU, at most 6 "
     "vCPU), 'Understanding Lambda function scaling' (one request at a "
     "time per execution environment), 2026-11); \"beyond_limits\": "
     "true runs it anyway"},
    {"timeout negative",
     ALT("{\"name\": \"a\", \"memory_mb\": 1024, \"timeout_s\": -1}"), {{0}},
     {NULL},
     "simsrv: @/bad.json: alternatives[0].timeout_s: must be >= 0 (got "
     "-1)"},
    {"routing unknown",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"routing\": \"newst\"}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].routing: unknown value "
     "'newst' (did you mean 'newest'?)"},
    {"histogram range shorter than its bin",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_range_s\": 30, \"hist_bin_s\": 60}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.hist_range_s: 30 is "
     "shorter than hist_bin_s 60"},
    {"histogram head above tail",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_head_pct\": 99, \"hist_tail_pct\": 5}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive: need 0 <= "
     "hist_head_pct <= hist_tail_pct <= 100"},
    {"histogram margin 1",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_margin\": 1}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.hist_margin: 1 must "
     "be below 1"},
    {"histogram bins of 1e-300 s",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_bin_s\": 1e-300}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.hist_bin_s: 1e-300 s is "
     "below 1 ms (idle times are binned on the 1 us clock)"},
    {"histogram range of 1e300 s",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_range_s\": 1e300}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.hist_range_s: at most "
     "100 years (3.15e9 s)"},
    {"histogram of 100,001 bins",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_range_s\": 100001, \"hist_bin_s\": "
         "1}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.hist_range_s: 100001 s "
     "in bins of 1 s is 100001 bins (at most 100,000 per function)"},
    {"histogram of exactly 100,000 bins is accepted",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_range_s\": 100, \"hist_bin_s\": "
         "0.001}}, {\"name\": \"b\", \"memory_mb\": 0}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[1].memory_mb: must be in 1..1048576 "
     "(got 0)"},
    {"provisioned schedule at hour 24",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": "
         "{\"schedule\": [{\"at_h\": 24, \"count\": 1}]}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned.schedule[0].at_h: "
     "must be an hour of the day in [0, 24) (got 24)"},
    {"provisioned schedule out of order",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": "
         "{\"schedule\": [{\"at_h\": 8, \"count\": 1}, {\"at_h\": 2, "
         "\"count\": 0}]}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned.schedule[1].at_h: "
     "steps must be in increasing hour order"},
    {"provisioned schedule empty",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"provisioned\": "
         "{\"schedule\": []}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned.schedule: "
     "expected an array of 1 to 48 steps {\"at_h\": hour of day, "
     "\"count\": instances}"},
    {"provisioned above max_instances",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"max_instances\": 2, "
         "\"provisioned\": 3}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].provisioned: 3 provisioned "
     "instances exceed max_instances (2)"},
    {"cluster and a memory limit",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": "
         "{\"memory_limit_gb\": 4}, \"cluster\": {\"nodes\": [{\"count\": 1, "
         "\"vcpus\": 4, \"memory_gb\": 16}]}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0]: give either cluster or "
     "keepalive.memory_limit_gb, not both"},
    {"VM platform without vm",
     ALT("{\"name\": \"a\", \"platform\": \"vm\"}"), {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm: missing (a VM or hybrid "
     "alternative needs {\"instance_type\": ...})"},
    {"VM instance type unknown",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c9x.huge\"}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.instance_type: unknown "
     "pricing entry 'c9x.huge' (did you mean 'c7i.large'? 'simsrv "
     "catalog' lists them)"},
    {"VM instance type a serverless price",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"aws-lambda-x86\"}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.instance_type: "
     "'aws-lambda-x86' is not a VM instance type"},
    {"VM slots beyond its memory",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"slots\": 4000}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.slots: 4000 slots of model "
     "'mlp-tabular' need 164000 MB, more than c7i.large has (4096 MB)"},
    {"VM load balancer unknown",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"lb\": \"round-robbin\"}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.lb: unknown value "
     "'round-robbin' (did you mean 'round-robin'?)"},
    {"VM boot negative",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"boot_s\": -25}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.boot_s: must be >= 0 (got "
     "-25)"},
    {"VM autoscale min above max",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"autoscale\": {\"min\": 5, \"max\": 2, \"target\": "
         "0.5}}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.autoscale: min (5) is "
     "larger than max (2)"},
    {"VM autoscale target 1.5",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"autoscale\": {\"min\": 1, \"max\": 2, \"target\": "
         "1.5}}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.autoscale.target: a "
     "utilization target is a fraction in (0, 1] (got 1.5)"},
    {"VM count outside autoscale",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"count\": 5, \"autoscale\": {\"min\": 1, \"max\": "
         "2, \"target\": 0.5}}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.count: the initial fleet "
     "(5) must lie within autoscale min..max (1..2)"},
    {"VM spot on an on-demand fleet",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"spot\": {\"notice_times_s\": [10]}}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.spot: only a \"pricing\": "
     "\"spot\" fleet is interrupted (this one is 'on-demand')"},
    {"VM pricing unknown",
     ALT("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
         "\"c7i.large\", \"pricing\": \"reserved-2y\"}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].vm.pricing: unknown value "
     "'reserved-2y' (did you mean 'reserved-1y'?)"},
    {"model profile not an object",
     MODEL_X,
     {{"m", NULL, 0}, {"m/x.json", "[1]", 0}}, {NULL},
     "simsrv: @/m/x.json: (top level): expected an object, got an array"},
    {"model profile without warm",
     MODEL_X,
     {{"m", NULL, 0},
      {"m/x.json",
       "{\"name\": \"x\", \"size_mb\": 5, \"memory_mb\": 10, \"hardware\": "
       "{\"cpu\": {\"cold_total\": {\"dist\": \"constant\", \"value_ms\": "
       "9}}}}",
       0}},
     {NULL},
     "simsrv: @/m/x.json: hardware.cpu.warm: missing (the warm service "
     "time is required)"},
    {"model profile lognormal without sigma",
     MODEL_X,
     {{"m", NULL, 0},
      {"m/x.json",
       "{\"name\": \"x\", \"size_mb\": 5, \"memory_mb\": 10, \"hardware\": "
       "{\"cpu\": {\"warm\": {\"dist\": \"lognormal\", \"median_ms\": 4}, "
       "\"cold_total\": {\"dist\": \"constant\", \"value_ms\": 9}}}}",
       0}},
     {NULL},
     "simsrv: @/m/x.json: hardware.cpu.warm.sigma: missing (a number is "
     "required)"},
    {"model profile without hardware",
     MODEL_X,
     {{"m", NULL, 0},
      {"m/x.json", "{\"name\": \"x\", \"size_mb\": 5, \"memory_mb\": 10, "
                   "\"hardware\": {}}",
       0}},
     {NULL},
     "simsrv: @/m/x.json: hardware: no hardware class is described"},
    /* --- earlier classes: sweeps, shards and merge --- */
    {"sweep: grid and zip both",
     SWEEPF("\"grid\": {\"horizon_s\": [10]}, \"zip\": {\"seed\": [1]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: give one of \"grid\", \"zip\" and \"points\""},
    {"sweep: grid not an object", SWEEPF("\"grid\": [1]"), {BASE_FILE},
     {NULL},
     "simsrv: @/bad.json: grid: expected an object {\"json.path\": "
     "[values]}"},
    {"sweep: grid values empty", SWEEPF("\"grid\": {\"horizon_s\": []}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: grid.horizon_s: expected a non-empty array of "
     "values"},
    {"sweep: zip lengths differ",
     SWEEPF("\"zip\": {\"horizon_s\": [10, 20], \"seed\": [1]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: zip.seed: 1 values, but horizon_s has 2"},
    {"sweep: points empty", SWEEPF("\"points\": []"), {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: points: expected a non-empty array of objects "
     "{\"json.path\": value}"},
    {"sweep: points[0] not an object", SWEEPF("\"points\": [1]"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: points[0]: expected an object"},
    {"sweep: points set different paths",
     SWEEPF("\"points\": [{\"horizon_s\": 10, \"seed\": 1}, "
            "{\"horizon_s\": 20, \"slo_ms\": 3}]"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: points[1]: missing 'seed'"},
    {"sweep: points of different sizes",
     SWEEPF("\"points\": [{\"horizon_s\": 10}, {\"horizon_s\": 20, "
            "\"seed\": 3}]"),
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: points[1]: every point sets the same 1 paths "
     "as points[0]"},
    {"sweep: a point makes the scenario invalid",
     SWEEPF("\"grid\": {\"horizon_s\": [10, -1]}"), {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: point 1 makes the scenario invalid: @/s.json: "
     "horizon_s: must be > 0 (got -1)"},
    {"sweep: a point renames an alternative",
     SWEEPF("\"grid\": {\"alternatives[0].name\": [\"a\", \"b\"]}"),
     {BASE_FILE},
     {NULL},
     "simsrv: @/bad.json: point 1 changes the alternatives' names or "
     "number (every point must compare the same alternatives)"},
    {"sweep: a path to nothing",
     SWEEPF("\"grid\": {\"workload.nosuch\": [1]}"), {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: point 0 makes the scenario invalid: @/s.json: "
     "workload.nosuch: unknown key 'nosuch' (did you mean 'notes'?)"},
    {"sweep: an index past the end",
     SWEEPF("\"grid\": {\"alternatives[3].memory_mb\": [512]}"), {BASE_FILE},
     {NULL},
     "simsrv: @/bad.json: point 0: the scenario has no alternatives[3] "
     "(in 'alternatives[3].memory_mb')"},
    {"sweep: base scenario not JSON", SWEEPF("\"grid\": {\"seed\": [1]}"),
     {{"s.json", "{", 0}}, {NULL},
     "simsrv: @/s.json:1:2: JSON syntax error: unexpected end of file"},
    {"sweep: replications 0",
     "{\"scenario\": \"s.json\", \"replications\": 0, \"grid\": "
     "{\"seed\": [1]}}",
     {BASE_FILE}, {NULL},
     "simsrv: @/bad.json: replications: must be in 1..100000 (got 0)"},
    {"sweep: NUL byte in the sweep file", "{}",
     {{"bad.json", "{\"scenario\": \"s.json\"}\0", 23}}, {NULL},
     "simsrv: @/bad.json: contains a NUL byte: not a JSON text file"},
    {"sweep: --threads 0", SWEEPF("\"grid\": {\"seed\": [1]}"), {BASE_FILE},
     {"--threads", "0"},
     "simsrv: sweep: --threads: '0' is not 1..4096 (try 'simsrv sweep "
     "--help')"},
    {"sweep: --shard 2/2", SWEEPF("\"grid\": {\"seed\": [1]}"), {BASE_FILE},
     {"--shard", "2/2"},
     "simsrv: sweep: --shard: '2/2' is not k/K with 0 <= k < K (try "
     "'simsrv sweep --help')"},
    {"sweep: --shard x", SWEEPF("\"grid\": {\"seed\": [1]}"), {BASE_FILE},
     {"--shard", "x"},
     "simsrv: sweep: --shard: 'x' is not k/K with 0 <= k < K (try "
     "'simsrv sweep --help')"},
    {"sweep: unknown option", SWEEPF("\"grid\": {\"seed\": [1]}"),
     {BASE_FILE}, {"--thread", "2"},
     "simsrv: sweep: unknown option '--thread' (try 'simsrv sweep "
     "--help')"},
    {"sweep: two sweep files", SWEEPF("\"grid\": {\"seed\": [1]}"),
     {BASE_FILE}, {"other.json"},
     "simsrv: sweep: more than one sweep file ('other.json') (try "
     "'simsrv sweep --help')"},
    {"sweep: resume from another plan's shard",
     SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE, {"other.json", SWEEPF("\"grid\": {\"seed\": [3, 4]}"), 0}},
     {NULL},
     "simsrv: @/results/shard-0-of-1.csv: belongs to another sweep plan "
     "(plan %X, this one %X); remove it or use another --out",
     .setup = {"sweep", "@/other.json", "--out", "@/results", "--quiet",
               "--threads", "1"}},
    {"sweep: a shard file of another shard",
     SWEEPF("\"grid\": {\"seed\": [1, 2]}"), {BASE_FILE}, {"--shard", "0/2"},
     "simsrv: @/results/shard-0-of-2.csv: is shard 0/1, not 0/2",
     .setup = {"sweep", "@/bad.json", "--out", "@/results", "--quiet",
               "--threads", "1"},
     .shell = "cp results/shard-0-of-1.csv results/shard-0-of-2.csv"},
    {"merge: no shard files", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE, {"results", NULL, 0}}, {NULL},
     "simsrv: @/results: no shard-*-of-*.csv files here"},
    {"merge: the folder is missing", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE}, {"--out", "@/nosuch"},
     "simsrv: @/nosuch: cannot read the directory: No such file or "
     "directory"},
    {"merge: half the cells missing", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/results: 2 of 4 cells are missing (the first is cell "
     "1): run the shards that hold them",
     .setup = {"sweep", "@/bad.json", "--out", "@/results", "--quiet",
               "--threads", "1", "--shard", "0/2"}},
    {"merge: a shard that is not a shard file",
     SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE, {"results", NULL, 0},
      {"results/shard-0-of-1.csv", "hello\n", 0}},
     {NULL},
     "simsrv: @/results/shard-0-of-1.csv: not a simsrv sweep shard file"},
    {"merge: an empty shard file", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE, {"results", NULL, 0}, {"results/shard-0-of-1.csv", "", 0}},
     {NULL},
     "simsrv: @/results/shard-0-of-1.csv: empty shard file"},
    {"merge: a torn last row", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/results/shard-0-of-1.csv: line 6: not a complete row of "
     "this sweep",
     .setup = {"sweep", "@/bad.json", "--out", "@/results", "--quiet",
               "--threads", "1"},
     .shell = "head -c -9 results/shard-0-of-1.csv > t && "
              "mv t results/shard-0-of-1.csv"},
    {"merge: rows appended twice", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE}, {NULL},
     "simsrv: @/results/shard-0-of-1.csv: cell 0 appears twice in this "
     "file (two runs appended to it?): rerun into a fresh --out",
     .setup = {"sweep", "@/bad.json", "--out", "@/results", "--quiet",
               "--threads", "1"},
     .shell = "tail -n +3 results/shard-0-of-1.csv > t && "
              "cat t >> results/shard-0-of-1.csv && rm t"},
    {"merge: shards of two shard counts",
     SWEEPF("\"grid\": {\"seed\": [1, 2]}"), {BASE_FILE}, {NULL},
     "simsrv: @/results: cell 0 is in both shard-0-of-1.csv and "
     "shard-1-of-2.csv: runs with different shard counts (1 and 2) "
     "wrote here; remove the stale run's files (shard-*-of-1.csv or "
     "shard-*-of-2.csv) or rerun into a fresh --out",
     .setup = {"sweep", "@/bad.json", "--out", "@/results", "--quiet",
               "--threads", "1"},
     .shell = "cp results/shard-0-of-1.csv results/shard-1-of-2.csv"},
    {"merge: a shard of another plan", SWEEPF("\"grid\": {\"seed\": [1, 2]}"),
     {BASE_FILE, {"other.json", SWEEPF("\"grid\": {\"seed\": [3, 4]}"), 0}},
     {NULL},
     "simsrv: @/results/shard-0-of-1.csv: belongs to another sweep plan "
     "(plan %X, this one %X); remove it or use another --out",
     .setup = {"sweep", "@/other.json", "--out", "@/results", "--quiet",
               "--threads", "1"}},
    /* --- earlier classes: the command line --- */
    {"cli: unknown command", "{}", {{0}}, {"frobnicate"},
     "simsrv: unknown command 'frobnicate' (try 'simsrv --help')"},
    {"cli: run without a scenario", "{}", {{0}}, {"run"},
     "simsrv: run: no scenario file given (try 'simsrv --help')"},
    {"cli: run --out without a value", "{}", {{0}},
     {"run", "@/bad.json", "--out"},
     "simsrv: run: --out needs a value (try 'simsrv --help')"},
    {"run: two scenario files", "{}", {{0}}, {"@/other.json"},
     "simsrv: run: more than one scenario file ('@/other.json') (try "
     "'simsrv --help')"},
    {"run: --seed negative", "{}", {{0}}, {"--seed", "-4"},
     "simsrv: run: --seed: '-4' is not an integer in 0..2^53-1 (try "
     "'simsrv --help')"},
    {"run: --seed not a number", "{}", {{0}}, {"--seed", "12x"},
     "simsrv: run: --seed: '12x' is not an integer in 0..2^53-1 (try "
     "'simsrv --help')"},
    {"run: --seed 2^53", "{}", {{0}}, {"--seed", "9007199254740992"},
     "simsrv: run: --seed: '9007199254740992' is not an integer in "
     "0..2^53-1 (try 'simsrv --help')"},
    {"run: --replications 0", "{}", {{0}}, {"--replications", "0"},
     "simsrv: run: --replications: '0' is not an integer in 1..100000 "
     "(try 'simsrv --help')"},
    {"run: --replications 100001", "{}", {{0}},
     {"--replications", "100001"},
     "simsrv: run: --replications: '100001' is not an integer in "
     "1..100000 (try 'simsrv --help')"},
    {"run: --models folder missing", SCEN(POISSON), {{0}},
     {"--models", "@/nosuch"},
     "simsrv: @/bad.json: model: unknown model 'mlp-tabular' (no "
     "profile file @/nosuch/mlp-tabular.json)"},
    {"catalog: unknown entry", "{}", {{0}}, {"aws-lamda"},
     "simsrv: catalog: unknown pricing entry 'aws-lamda' (did you mean "
     "'aws-lambda-x86'? 'simsrv catalog' lists them)"},
    {"catalog: unknown option", "{}", {{0}}, {"--jsno"},
     "simsrv: catalog: unknown option '--jsno' (try 'simsrv --help')"},
    {"catalog: two entries", "{}", {{0}}, {"modal-t4", "modal-l4"},
     "simsrv: catalog: one entry id at most (got 'modal-l4' as well) "
     "(try 'simsrv --help')"},
    {"calibrate: no model", "{}", {{0}}, {"--out", "@/results/p.json"},
     "simsrv: calibrate: no model given (try 'simsrv calibrate --help')"},
    {"calibrate: model file missing", "{}", {{0}},
     {"@/nosuch.onnx", "--out", "@/results/p.json"},
     "simsrv: calibrate: @/nosuch.onnx: cannot open: No such file or "
     "directory"},
    {"calibrate: model is a directory", "{}", {{"m.onnx", NULL, 0}},
     {"@/m.onnx", "--out", "@/results/p.json"},
     "simsrv: calibrate: @/m.onnx: is a directory, not a model file"},
    {"calibrate: --batches 0", "{}", {{"m.onnx", "not onnx", 0}},
     {"@/m.onnx", "--batches", "0", "--out", "@/results/p.json"},
     "simsrv: calibrate: --batches: '0' is not a list of integers in "
     "1..4096"},
    {"calibrate: --batches listed twice", "{}", {{"m.onnx", "not onnx", 0}},
     {"@/m.onnx", "--batches", "1,2,1", "--out", "@/results/p.json"},
     "simsrv: calibrate: --batches: 1 is listed twice"},
    {"calibrate: --name with a slash", "{}", {{"m.onnx", "not onnx", 0}},
     {"@/m.onnx", "--name", "a/b", "--out", "@/results/p.json"},
     "simsrv: calibrate: --name: 'a/b': use letters, digits and -_. only"},
    {"calibrate: unknown option", "{}", {{"m.onnx", "not onnx", 0}},
     {"@/m.onnx", "--bogus", "--out", "@/results/p.json"},
     "simsrv: calibrate: --bogus: unknown option (try 'simsrv calibrate "
     "--help')"},
    {"calibrate: --validate without a profile", "{}", {{0}}, {"--validate"},
     "simsrv: calibrate: --validate: needs a value"},
    {"calibrate: --validate a profile without calibration", "{}", {{0}},
     {"--validate", "%M/mlp-tabular.json"},
     "simsrv: calibrate: %M/mlp-tabular.json: no 'calibration' block: "
     "validate profiles written by simsrv calibrate"},
};

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* s with every `token` replaced by `with`, into out. */
static void expand(const char *s, const char *token, const char *with,
                   char *out, size_t size)
{
    size_t n = 0, t = strlen(token), w = strlen(with);
    while (*s && n + w + 1 < size) {
        if (strncmp(s, token, t) == 0) {
            memcpy(out + n, with, w);
            n += w;
            s += t;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
}

static void write_bytes(const char *path, const char *body, size_t len)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "cannot write %s", path);
    cr_assert_eq(fwrite(body, 1, len, fp), len);
    fclose(fp);
}

/* --- the folder's snapshot ------------------------------------------- */

#define SNAP_MAX 1024

/* One entry of a folder tree: its path below the root, type and size, its
 * modification time in ns and the FNV-1a hash of its bytes (files only:
 * a FIFO is never read). */
typedef struct Entry {
    char path[300];
    unsigned mode;
    long long size, mtime_ns;
    uint64_t hash;
} Entry;

typedef struct Snap {
    int n;
    Entry e[SNAP_MAX];
} Snap;

static uint64_t file_hash(const char *path)
{
    uint64_t h = 1469598103934665603ull;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return 0;
    int c;
    while ((c = getc(fp)) != EOF)
        h = (h ^ (uint64_t)c) * 1099511628211ull;
    fclose(fp);
    return h;
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->path, ((const Entry *)b)->path);
}

static void snap_walk(Snap *s, const char *root, const char *rel)
{
    char dir[1400];
    snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        cr_assert_lt(s->n, SNAP_MAX, "more than %d entries in %s", SNAP_MAX,
                     root);
        Entry *e = &s->e[s->n++];
        char full[1800];
        snprintf(e->path, sizeof e->path, "%s%s%s", rel, rel[0] ? "/" : "",
                 de->d_name);
        snprintf(full, sizeof full, "%s/%s", root, e->path);
        struct stat sb;
        cr_assert_eq(lstat(full, &sb), 0, "%s", full);
        e->mode = (unsigned)sb.st_mode;
        e->size = S_ISREG(sb.st_mode) ? (long long)sb.st_size : 0;
        e->mtime_ns = (long long)sb.st_mtim.tv_sec * 1000000000ll +
                      sb.st_mtim.tv_nsec;
        e->hash = S_ISREG(sb.st_mode) ? file_hash(full) : 0;
        if (S_ISFIFO(sb.st_mode))
            e->mtime_ns = 0; /* a write into a pipe is not a change */
        if (S_ISDIR(sb.st_mode)) {
            e->mtime_ns = 0; /* a directory read is not a change */
            char sub[300];
            snprintf(sub, sizeof sub, "%s", e->path);
            snap_walk(s, root, sub);
        }
    }
    closedir(d);
}

/* The tree under root (empty if root does not exist), sorted by path. */
static void snap_take(Snap *s, const char *root)
{
    s->n = 0;
    snap_walk(s, root, "");
    qsort(s->e, (size_t)s->n, sizeof s->e[0], entry_cmp);
}

/* Expects b to equal a, naming the first difference. */
static void snap_expect_same(const Snap *a, const Snap *b, const char *what)
{
    int i = 0, j = 0;
    while (i < a->n || j < b->n) {
        int c = i == a->n ? 1 : j == b->n ? -1
                                          : strcmp(a->e[i].path, b->e[j].path);
        if (c < 0) {
            cr_expect_fail("%s: %s removed", what, a->e[i].path);
            return;
        }
        if (c > 0) {
            cr_expect_fail("%s: %s created", what, b->e[j].path);
            return;
        }
        const Entry *x = &a->e[i++], *y = &b->e[j++];
        if (x->mode != y->mode || x->size != y->size ||
            x->mtime_ns != y->mtime_ns || x->hash != y->hash) {
            cr_expect_fail("%s: %s changed (size %lld -> %lld, mtime %lld -> "
                           "%lld)",
                           what, x->path, x->size, y->size, x->mtime_ns,
                           y->mtime_ns);
            return;
        }
    }
}

/* --- running one command --------------------------------------------- */

/* The simsrv executable of this build. */
static const char *simsrv_bin(void)
{
    static char path[1100];
    const char *root = getenv("SIMSRV_BUILD_ROOT");
    snprintf(path, sizeof path, "%s/simsrv", root != NULL ? root : ".");
    return path;
}

/* Starts the simsrv executable with `argv` in a child process whose
 * working folder is cwd, stderr going to err_path and stdout to
 * /dev/null; the child waits for a byte on *gate (when gate is not NULL)
 * so that a helper can learn its PID first.  A fresh process per command:
 * what simsrv does at exit (the removal of temporaries) runs as in real
 * use, and under the sanitizers its leak check sees that process alone. */
static pid_t start_child(int argc, char **argv, const char *cwd,
                         const char *err_path, int gate[2])
{
    (void)argc;
    const char *bin = simsrv_bin();
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        char go;
        if (gate != NULL && (close(gate[1]) != 0 || read(gate[0], &go, 1) != 1))
            _exit(119);
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int nul = open("/dev/null", O_WRONLY);
        if (chdir(cwd) != 0 || fd < 0 || nul < 0 || dup2(fd, 2) < 0 ||
            dup2(nul, 1) < 0)
            _exit(120);
        execv(bin, argv);
        _exit(121);
    }
    return pid;
}

/* The child's exit status (128 + signal if it was killed). */
static int wait_child(pid_t pid)
{
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_child(int argc, char **argv, const char *cwd,
                     const char *err_path)
{
    return wait_child(start_child(argc, argv, cwd, err_path, NULL));
}

static void read_text(const char *path, char *buf, size_t size)
{
    FILE *fp = fopen(path, "rb");
    size_t n = 0;
    if (fp != NULL) {
        n = fread(buf, 1, size - 1, fp);
        fclose(fp);
    }
    buf[n] = '\0';
}

/* --- the cases ----------------------------------------------------------- */

/* The folder of case i and the values its tokens stand for. */
typedef struct Ctx {
    char dir[1024], models[1024], traces[1024], pid[32];
} Ctx;

/* s with every "%WN;" replaced by N fields "c," (wide rows). */
static void expand_wide(const char *s, char *out, size_t size)
{
    size_t n = 0;
    while (*s && n + 1 < size) {
        char *end;
        if (strncmp(s, "%W", 2) == 0) {
            long k = strtol(s + 2, &end, 10);
            cr_assert_eq(*end, ';');
            for (long j = 0; j < k && n + 3 < size; j++) {
                out[n++] = 'c';
                out[n++] = ',';
            }
            s = end + 1;
        } else {
            out[n++] = *s++;
        }
    }
    out[n] = '\0';
}

static void expand_all(const Ctx *x, const char *s, char *out, size_t size)
{
    static char w[1 << 17], a[1 << 17], b[1 << 17], c[1 << 17];
    expand_wide(s, w, sizeof w);
    s = w;
    expand(s, "%M", x->models, a, sizeof a);
    expand(a, "%T", x->traces, b, sizeof b);
    expand(b, "%P", x->pid, c, sizeof c);
    expand(c, "@", x->dir, out, size);
}

/* A previous output set of every command: the run's and the sweep's
 * tables (their bytes do not matter, only that they stay). */
static void write_previous_set(const char *out)
{
    static const char *const names[] = {
        "summary.json", "summary.csv", "timeseries.csv", "functions.csv",
        "requests.h5", "cells.csv", "points.csv", "diffs.csv", "sweep.h5"};
    cr_assert_eq(mkdir(out, 0777), 0, "%s", out);
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[1200], body[200];
        snprintf(path, sizeof path, "%s/%s", out, names[k]);
        snprintf(body, sizeof body, "the previous run's %s\n", names[k]);
        support_write_file(path, body);
    }
}

/* 1 if process pid has `path` open (or is gone: 0 then). */
static int has_open(pid_t pid, const char *path)
{
    char dir[64], link[300], target[1200];
    snprintf(dir, sizeof dir, "/proc/%ld/fd", (long)pid);
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    struct dirent *de;
    int found = 0;
    while (!found && (de = readdir(d)) != NULL) {
        snprintf(link, sizeof link, "%s/%s", dir, de->d_name);
        ssize_t n = readlink(link, target, sizeof target - 1);
        if (n > 0) {
            target[n] = '\0';
            found = strcmp(target, path) == 0;
        }
    }
    closedir(d);
    return found;
}

/* The FIFO's writer: the first reader gets `first`, every later one
 * `then` (until the parent kills it).  Each reader gets its text alone:
 * the writer opens the pipe again only once `reader` has closed it (a
 * writer that reopened at once would add the next text to the same
 * stream); it waits on those states, polling, never on a time. */
static pid_t fifo_writer(const char *path, const char *first, size_t len,
                         const char *then, pid_t reader)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        signal(SIGPIPE, SIG_IGN);
        for (int k = 0;; k++) {
            int fd = open(path, O_WRONLY);
            if (fd < 0)
                _exit(1);
            const char *b = k == 0 ? first : then;
            size_t n = k == 0 ? len : strlen(then);
            if (write(fd, b, n) < 0) {
                /* the reader left early: fine */
            }
            /* the reader's open may return after ours: see its fd before
             * closing (it cannot see the end of the text, so it cannot
             * close first), then wait until it has closed */
            struct timespec ms = {0, 1000000};
            while (!has_open(reader, path) && kill(reader, 0) == 0)
                nanosleep(&ms, NULL);
            close(fd);
            while (has_open(reader, path))
                nanosleep(&ms, NULL);
        }
    }
    return pid;
}

/* The argv of case c: argv[0..] into argv, strings in store. */
static int case_argv(const Ctx *x, const Case *c, const char *file,
                     const char *out, const char **argv, char store[][1200])
{
    const char *w = c->what;
    int argc = 0, plain = 0;
    argv[argc++] = "simsrv";
    if (strncmp(w, "cli:", 4) == 0) {
        plain = 1;
    } else if (strncmp(w, "catalog:", 8) == 0) {
        argv[argc++] = "catalog";
        plain = 1;
    } else if (strncmp(w, "calibrate:", 10) == 0) {
        argv[argc++] = "calibrate";
        plain = 1;
    } else if (strncmp(w, "merge:", 6) == 0) {
        argv[argc++] = "merge"; /* merge has no --quiet */
        argv[argc++] = file;
        argv[argc++] = "--out";
        argv[argc++] = out;
    } else {
        int sweep = strncmp(w, "sweep:", 6) == 0;
        argv[argc++] = sweep ? "sweep" : "run";
        argv[argc++] = file;
        argv[argc++] = "--quiet";
        argv[argc++] = "--out";
        argv[argc++] = out;
        if (sweep) {
            argv[argc++] = "--threads";
            argv[argc++] = "1";
        }
    }
    (void)plain;
    for (int k = 0; k < 6 && c->arg[k] != NULL; k++) {
        expand_all(x, c->arg[k], store[k], sizeof store[k]);
        argv[argc++] = store[k];
    }
    argv[argc] = NULL;
    return argc;
}

/* 1 if got equals want, where "%X" in want stands for 16 hex digits (a
 * sweep plan's hash, which covers the absolute paths in its texts). */
static int same_line(const char *got, const char *want)
{
    while (*want != '\0') {
        if (strncmp(want, "%X", 2) == 0) {
            for (int k = 0; k < 16; k++, got++)
                if (!((*got >= '0' && *got <= '9') ||
                      (*got >= 'a' && *got <= 'f')))
                    return 0;
            want += 2;
        } else if (*got++ != *want++) {
            return 0;
        }
    }
    return *got == '\0';
}

/* Runs case c once over the case's folder as it is: exit 2, its one line,
 * the folder unchanged, and no temporary anywhere in it. */
static void run_once(const Ctx *x, const Case *c, int i, const char *when)
{
    char file[1100], out[1100], err_path[1100], store[6][1200];
    const char *argv[24];
    snprintf(file, sizeof file, "%s/bad.json", x->dir);
    snprintf(out, sizeof out, "%s/results", x->dir);
    snprintf(err_path, sizeof err_path, "%s.stderr", x->dir);
    int argc = case_argv(x, c, file, out, argv, store);
    char fifo[1200] = "";
    if (c->fifo_then != NULL) {
        snprintf(fifo, sizeof fifo, "%s/%s", x->dir, c->files[0].name);
        cr_assert_eq(mkfifo(fifo, 0666), 0, "mkfifo %s", fifo);
    }
    Snap *before = malloc(sizeof *before), *after = malloc(sizeof *after);
    cr_assert(before != NULL && after != NULL);
    snap_take(before, x->dir);
    int gate[2];
    cr_assert_eq(pipe(gate), 0);
    pid_t child = start_child(argc, (char **)argv, x->dir, err_path, gate);
    pid_t writer = 0;
    if (fifo[0] != '\0')
        writer = fifo_writer(fifo, c->files[0].body,
                             c->files[0].len ? c->files[0].len
                                             : strlen(c->files[0].body),
                             c->fifo_then, child);
    close(gate[0]);
    cr_assert_eq(write(gate[1], "g", 1), 1);
    close(gate[1]);
    int status = wait_child(child);
    if (writer > 0) {
        kill(writer, SIGKILL);
        waitpid(writer, NULL, 0);
    }
    snap_take(after, x->dir);
    char err[4096], want[4096];
    read_text(err_path, err, sizeof err);
    fprintf(stderr, "case %d (%s, %s): exit %d: %s", i, c->what, when, status,
            err);
    cr_expect_eq(status, 2, "case %d (%s, %s): exit %d", i, c->what, when,
                 status);
    cr_expect_eq(count_lines(err), 1, "case %d (%s, %s): %d lines: %s", i,
                 c->what, when, count_lines(err), err);
    if (c->want != NULL) {
        expand_all(x, c->want, want, sizeof want - 1);
        strcat(want, "\n");
        cr_expect(same_line(err, want), "case %d (%s, %s):\n  got  %s  want %s",
                  i, c->what, when, err, want);
    }
    char what[200];
    snprintf(what, sizeof what, "case %d (%s, %s)", i, c->what, when);
    snap_expect_same(before, after, what);
    for (int k = 0; k < after->n; k++)
        cr_expect_null(strstr(after->e[k].path, ".tmp"), "%s: %s left", what,
                       after->e[k].path);
    free(before);
    free(after);
}

/* Makes the case's folder and files; 1 if it already holds an output
 * folder (the case's files or its setup made one). */
static int make_case(const Ctx *x, const Case *c, int i)
{
    char file[1100], path[1200];
    snprintf(file, sizeof file, "%s/bad.json", x->dir);
    if (c->scenario == NULL) {
        cr_assert_eq(mkdir(file, 0777), 0);
    } else {
        static char body[1 << 17];
        expand_all(x, c->scenario, body, sizeof body);
        support_write_file(file, body);
    }
    for (int k = c->fifo_then != NULL; k < 6 && c->files[k].name != NULL;
         k++) {
        snprintf(path, sizeof path, "%s/%s", x->dir, c->files[k].name);
        if (c->files[k].body == NULL) {
            cr_assert_eq(mkdir(path, 0777), 0);
        } else {
            static char body[1 << 17];
            const char *b = c->files[k].body;
            size_t len = c->files[k].len;
            if (len == 0) {
                expand_all(x, b, body, sizeof body);
                b = body;
                len = strlen(body);
            }
            write_bytes(path, b, len);
        }
    }
    if (c->setup[0] != NULL) {
        const char *argv[12] = {"simsrv"};
        char store[10][1200];
        int argc = 1;
        for (int k = 0; k < 10 && c->setup[k] != NULL; k++) {
            expand_all(x, c->setup[k], store[k], sizeof store[k]);
            argv[argc++] = store[k];
        }
        argv[argc] = NULL;
        char err_path[1100], err[4096];
        snprintf(err_path, sizeof err_path, "%s.stderr", x->dir);
        int rc = run_child(argc, (char **)argv, x->dir, err_path);
        read_text(err_path, err, sizeof err);
        cr_assert_eq(rc, 0, "case %d (%s): setup failed: %s", i, c->what, err);
    }
    if (c->shell != NULL) {
        char cmd[4096], sh[3000];
        expand_all(x, c->shell, sh, sizeof sh);
        snprintf(cmd, sizeof cmd, "cd '%s' && %s", x->dir, sh);
        cr_assert_eq(system(cmd), 0, "case %d (%s): %s", i, c->what, sh);
    }
    snprintf(path, sizeof path, "%s/results", x->dir);
    return support_dir_entries(path) >= 0;
}

static void run_case(const Case *c, int i)
{
    Ctx x;
    char tag[32], out[1100];
    snprintf(tag, sizeof tag, "bad%03d", i);
    support_tmpdir(tag, x.dir, sizeof x.dir);
    support_src("models", x.models, sizeof x.models);
    support_src("traces", x.traces, sizeof x.traces);
    snprintf(x.pid, sizeof x.pid, "%ld", (long)getppid());
    snprintf(out, sizeof out, "%s/results", x.dir);
    if (make_case(&x, c, i)) {
        run_once(&x, c, i, "as set up");
        return;
    }
    if (c->fifo_then != NULL) { /* fails mid-run: over a previous set */
        write_previous_set(out);
        run_once(&x, c, i, "over a previous set");
        return;
    }
    run_once(&x, c, i, "no output folder");
    if (support_dir_entries(out) >= 0)
        return; /* reported above */
    write_previous_set(out);
    run_once(&x, c, i, "over a previous set");
}

Test(badinput, every_case_exits_2_with_its_one_line_and_changes_nothing)
{
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++)
        run_case(&cases[i], i);
    fprintf(stderr, "%d bad-input cases\n", n);
}

/* Pins that the snapshot sees each kind of change (else the check above
 * could not fail): a file created, one removed, one rewritten with other
 * bytes of the same size, and one whose bytes stay but whose mtime moves. */
Test(badinput, the_snapshot_sees_every_change)
{
    char dir[1024], a[1100], b[1100];
    support_tmpdir("snapcheck", dir, sizeof dir);
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    support_write_file(a, "1,2\n");
    static Snap s0, s1;
    snap_take(&s0, dir);
    snap_take(&s1, dir);
    cr_assert_eq(s0.n, 1);
    support_write_file(b, "new\n");
    snap_take(&s1, dir);
    cr_assert_eq(s1.n, 2, "a created file is seen");
    remove(b);
    remove(a);
    snap_take(&s1, dir);
    cr_assert_eq(s1.n, 0, "a removed file is seen");
    support_write_file(a, "1,3\n");
    snap_take(&s1, dir);
    cr_assert_eq(s1.n, 1);
    cr_assert_neq(s0.e[0].hash, s1.e[0].hash, "other bytes are seen");
    struct timespec times[2] = {{0, UTIME_OMIT}, {12345, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, a, times, 0), 0);
    support_write_file(a, "1,2\n");
    cr_assert_eq(utimensat(AT_FDCWD, a, times, 0), 0);
    snap_take(&s1, dir);
    cr_assert_eq(s0.e[0].hash, s1.e[0].hash);
    cr_assert_neq(s0.e[0].mtime_ns, s1.e[0].mtime_ns, "a new mtime is seen");
}

/* --- a disk that fills in the middle of a write ------------------------ */

/* Bytes the files under dir take on disk (whole pages). */
static long long disk_bytes(const char *dir)
{
    static Snap s;
    snap_take(&s, dir);
    long long total = 0;
    for (int k = 0; k < s.n; k++) {
        char path[1400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", dir, s.e[k].path);
        if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode))
            total += (long long)sb.st_blocks * 512;
    }
    return total;
}

/* Fills the file system of mnt with mnt/filler until `leave` bytes are
 * free (to the page). */
static void fill_leaving(const char *mnt, long long leave)
{
    struct statvfs v;
    cr_assert_eq(statvfs(mnt, &v), 0);
    long long free_b = (long long)v.f_bavail * (long long)v.f_frsize;
    long long want = free_b - leave;
    char path[1100];
    snprintf(path, sizeof path, "%s/filler", mnt);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    static char page[4096];
    for (long long n = 0; n + (long long)sizeof page <= want; n += sizeof page)
        if (fwrite(page, 1, sizeof page, fp) != sizeof page)
            break;
    fclose(fp);
    cr_assert_eq(statvfs(mnt, &v), 0);
    fprintf(stderr, "disk full: %lld bytes free of %lld (wanted %lld)\n",
            (long long)v.f_bavail * (long long)v.f_frsize,
            (long long)v.f_blocks * (long long)v.f_frsize, leave);
}

/* argv = "simsrv" and args (NULL-terminated); returns argc. */
static int with_simsrv(const char *const *args, const char **argv)
{
    int argc = 0;
    argv[argc++] = "simsrv";
    while (args[argc - 1] != NULL && argc < 15) {
        argv[argc] = args[argc - 1];
        argc++;
    }
    argv[argc] = NULL;
    return argc;
}

/* Runs args (after "simsrv") to success. */
static void run_ok(const char *cwd, const char *err_path,
                   const char *const *args)
{
    const char *argv[16];
    int argc = with_simsrv(args, argv);
    char err[4096];
    int rc = run_child(argc, (char **)argv, cwd, err_path);
    read_text(err_path, err, sizeof err);
    cr_assert_eq(rc, 0, "%s %s failed: %s", argv[1], argv[2], err);
}

/* Fills the disk so that about half of what `set`'s folder holds is free,
 * runs args (after "simsrv") and expects exit 2, one line, the folder's
 * files as they were (`journal`, if not NULL, may be written again with
 * the same bytes), and no temporary; then frees the disk. */
static void expect_full(const char *label, const char *mnt, const char *set,
                        const char *cwd, const char *err_path,
                        const char *journal, const char *const *args)
{
    static Snap before, after;
    long long need = disk_bytes(set);
    snap_take(&before, set);
    fill_leaving(mnt, need / 2);
    const char *argv[16];
    int argc = with_simsrv(args, argv);
    int rc = run_child(argc, (char **)argv, cwd, err_path);
    snap_take(&after, set);
    char err[4096], what[200];
    read_text(err_path, err, sizeof err);
    snprintf(what, sizeof what,
             "%s into a full disk (%lld bytes of output, %lld free)", label,
             need, need / 2);
    fprintf(stderr, "%s: exit %d: %s", what, rc, err);
    cr_expect_eq(rc, 2, "%s: exit %d", what, rc);
    cr_expect_eq(count_lines(err), 1, "%s: %s", what, err);
    /* the resume journal is written again on a rerun: its bytes stay */
    for (int k = 0; journal != NULL && k < before.n; k++)
        if (strcmp(before.e[k].path, journal) == 0)
            before.e[k].mtime_ns = 0;
    for (int k = 0; journal != NULL && k < after.n; k++)
        if (strcmp(after.e[k].path, journal) == 0)
            after.e[k].mtime_ns = 0;
    snap_expect_same(&before, &after, what);
    for (int k = 0; k < after.n; k++)
        cr_expect_null(strstr(after.e[k].path, ".tmp"), "%s: %s left", what,
                       after.e[k].path);
    char filler[1100];
    snprintf(filler, sizeof filler, "%s/filler", mnt);
    remove(filler);
}

/* Pins: `run`, `run --requests` and `sweep` into a 256 kB tmpfs that fills
 * while their files are written (about half of the previous set's size is
 * free) exit 2 with one line and leave the previous set as it was (the
 * sweep's resume journal, shard-0-of-1.csv, is written again on the rerun,
 * with the same bytes), with no temporary left.  Needs root for a
 * mount namespace and a tmpfs; skips naming the reason otherwise. */
Test(badinput, disk_full_mid_write_leaves_the_previous_set)
{
    if (geteuid() != 0)
        cr_skip_test("the disk-full case needs root to mount a tmpfs (uid "
                     "%ld)",
                     (long)geteuid());
    char dir[1024], mnt[1100], r[1200], sw[1200], scen[1200], sweep[1200];
    char err_path[1200], models[1024], body[4096];
    support_tmpdir("diskfull", dir, sizeof dir);
    snprintf(mnt, sizeof mnt, "%s/fs", dir);
    cr_assert_eq(mkdir(mnt, 0777), 0);
    /* the worker process's own mount namespace: the tmpfs is gone with it */
    if (unshare(CLONE_NEWNS) != 0)
        cr_skip_test("the disk-full case cannot make a mount namespace: %s",
                     strerror(errno));
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("tmpfs", mnt, "tmpfs", 0, "size=256k") != 0)
        cr_skip_test("the disk-full case cannot mount a 256 kB tmpfs: %s",
                     strerror(errno));
    support_src("models", models, sizeof models);
    snprintf(scen, sizeof scen, "%s/base.json", dir);
    snprintf(sweep, sizeof sweep, "%s/sweep.json", dir);
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", dir);
    snprintf(body, sizeof body,
             "{\"name\": \"full\", \"horizon_s\": 600, \"seed\": 7, "
             "\"replications\": 2, \"timeseries_interval_s\": 10, "
             "\"models_dir\": \"%s\", \"model\": \"mlp-tabular\", "
             "\"workload\": {\"type\": \"poisson\", \"rate_per_s\": 1}, "
             "\"alternatives\": [{\"name\": \"ka\", \"memory_mb\": 512}, "
             "{\"name\": \"pc\", \"memory_mb\": 512, \"provisioned\": 1}]}",
             models);
    support_write_file(scen, body);
    support_write_file(sweep,
                       "{\"scenario\": \"base.json\", \"replications\": 2, "
                       "\"grid\": {\"alternatives[0].keepalive.keepalive_s\": "
                       "[0, 60, 600]}}");
    snprintf(r, sizeof r, "%s/r", mnt);
    snprintf(sw, sizeof sw, "%s/s", mnt);

    const char *run1[] = {"run", scen, "--quiet", "--out", r, "--seed", "1",
                          NULL};
    const char *run2[] = {"run", scen, "--quiet", "--out", r, "--seed", "2",
                          NULL};
    run_ok(dir, err_path, run1);
    expect_full("run", mnt, r, dir, err_path, NULL, run2);

    const char *req1[] = {"run",  scen, "--quiet", "--out", r, "--seed",
                          "1",   "--requests", NULL};
    const char *req2[] = {"run",  scen, "--quiet", "--out", r, "--seed",
                          "2",   "--requests", NULL};
    run_ok(dir, err_path, req1);
    expect_full("run --requests", mnt, r, dir, err_path, NULL, req2);

    /* a rerun resumes (nothing left to run) and writes the tables again */
    const char *sw1[] = {"sweep", sweep, "--quiet", "--out", sw,
                         "--threads", "1", NULL};
    run_ok(dir, err_path, sw1);
    expect_full("sweep", mnt, sw, dir, err_path, "shard-0-of-1.csv", sw1);
    umount(mnt);
}
