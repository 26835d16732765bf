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
 * possible; %P in a body is a live PID), extra arguments ('@' is the case's
 * folder), and the expected line, in which '@' stands for the case's folder
 * and %P for that PID.  The command is `run`, or `sweep`/`merge`/`catalog`/
 * `calibrate` when the case's name starts so (`cli:` gives the arguments
 * alone).  A case may first run a valid command (`setup`) and a shell line
 * in its folder (`shell`), and then runs once, over what they left; a case
 * whose `fifo_then` is set makes files[0] a named pipe that gives its body
 * to the first reader and `fifo_then` to every later one (a trace that
 * changes under the reader).  Each command runs in a child process (in the
 * case's folder, so a stray relative write is seen), because some failures
 * exit from deep inside a run.
 *
 * A second test fills a small tmpfs in the middle of `run`, `run
 * --requests` and `sweep` (as root, in a mount namespace of its own): exit
 * 2, one line, the previous set untouched and no temporary left; it skips
 * with the reason elsewhere.
 * Does not pin: the wording of messages outside this table.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
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
#define BOM "\xEF\xBB\xBF"
#define LONG100                                                             \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define NAME_RULE                                                           \
    "may use only letters, digits, '-', '_' and '.', and is not '.' or "    \
    "'..' (it names the results directory)"

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

#define SNAP_MAX 256

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

/* Runs `argv` through the CLI in a child process whose working folder is
 * cwd, stderr going to err_path; returns its exit status (128 + signal if
 * it was killed).  The child leaves by exit(), so what the CLI registers
 * at exit (the removal of temporaries) runs as in the real program. */
static int run_child(int argc, char **argv, const char *cwd,
                     const char *err_path)
{
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        if (chdir(cwd) != 0 || freopen(err_path, "w", stderr) == NULL)
            _exit(120);
        FILE *o = fopen("/dev/null", "w");
        if (o == NULL)
            _exit(121);
        int rc = cli_main_streams(argc, argv, o, stderr);
        fflush(NULL);
        exit(rc);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
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

static void expand_all(const Ctx *x, const char *s, char *out, size_t size)
{
    static char a[16384], b[16384], c[16384];
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

/* The FIFO's writer: the first reader gets `first`, every later one
 * `then` (until the parent kills it). */
static pid_t fifo_writer(const char *path, const char *first, size_t len,
                         const char *then)
{
    cr_assert_eq(mkfifo(path, 0666), 0, "mkfifo %s", path);
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
            close(fd);
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
    pid_t writer = 0;
    if (c->fifo_then != NULL) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", x->dir, c->files[0].name);
        writer = fifo_writer(path, c->files[0].body,
                             c->files[0].len ? c->files[0].len
                                             : strlen(c->files[0].body),
                             c->fifo_then);
    }
    Snap *before = malloc(sizeof *before), *after = malloc(sizeof *after);
    cr_assert(before != NULL && after != NULL);
    snap_take(before, x->dir);
    int status = run_child(argc, (char **)argv, x->dir, err_path);
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
        cr_expect_str_eq(err, want, "case %d (%s, %s)", i, c->what, when);
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
        static char body[16384];
        expand_all(x, c->scenario, body, sizeof body);
        support_write_file(file, body);
    }
    for (int k = c->fifo_then != NULL; k < 6 && c->files[k].name != NULL;
         k++) {
        snprintf(path, sizeof path, "%s/%s", x->dir, c->files[k].name);
        if (c->files[k].body == NULL) {
            cr_assert_eq(mkdir(path, 0777), 0);
        } else {
            static char body[16384];
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
    if (make_case(&x, c, i) || c->fifo_then != NULL) {
        run_once(&x, c, i, "as set up");
        return;
    }
    run_once(&x, c, i, "no output folder");
    snprintf(out, sizeof out, "%s/results", x.dir);
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
