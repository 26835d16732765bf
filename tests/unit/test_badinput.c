/*
 * test_badinput.c - the catalogue of bad input, run through the real CLI.
 *
 * Pins, for every case of the table: exit status 2, exactly one line on
 * stderr, that line equal to the expected one (which names the file and
 * its line, or the JSON path), and no output folder created.  Some cases
 * prove that something is *accepted* by failing one line later: a CSV
 * whose header starts with a UTF-8 byte-order mark fails on its line 3, not
 * with "no column", so the header was read; 2024-02-29 on line 2 passes
 * and 2023-02-29 on line 3 does not.
 *
 * Adding a case is one row of `cases`: the scenario body (%M is replaced
 * by the source tree's models folder, %T by its traces folder), up to four extra files in the case's
 * folder (bytes and length, so NUL bytes are possible), extra arguments,
 * and the expected line, in which '@' stands for the case's folder.  The
 * command is `run`, or `sweep`/`merge` when the case's name starts so.
 * Does not pin: the wording of messages outside this table.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    File files[4];
    const char *arg[2]; /* extra arguments, or NULL */
    const char *want; /* the whole stderr line without its newline;
                         NULL: only exit 2, one line, nothing written */
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

static void run_case(const Case *c, int i)
{
    char tag[32], dir[1024], file[1100], out[1100], models[1024];
    char traces[1024];
    char body[8192], want[4096], path[1200];
    snprintf(tag, sizeof tag, "bad%02d", i);
    support_tmpdir(tag, dir, sizeof dir);
    support_src("models", models, sizeof models);
    support_src("traces", traces, sizeof traces);
    snprintf(file, sizeof file, "%s/bad.json", dir);
    snprintf(out, sizeof out, "%s/results", dir);
    if (c->scenario == NULL) {
        cr_assert_eq(mkdir(file, 0777), 0);
    } else {
        char tmpl[8192];
        expand(c->scenario, "%M", models, tmpl, sizeof tmpl);
        expand(tmpl, "%T", traces, body, sizeof body);
        support_write_file(file, body);
    }
    for (int k = 0; k < 4 && c->files[k].name != NULL; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, c->files[k].name);
        if (c->files[k].body == NULL)
            cr_assert_eq(mkdir(path, 0777), 0);
        else
            write_bytes(path, c->files[k].body,
                        c->files[k].len ? c->files[k].len
                                        : strlen(c->files[k].body));
    }
    /* the command: "run", unless the case's name says "sweep:" or "merge:" */
    const char *cmd = strncmp(c->what, "sweep:", 6) == 0   ? "sweep"
                      : strncmp(c->what, "merge:", 6) == 0 ? "merge"
                                                           : "run";
    const char *argv[8] = {"simsrv", cmd, file, "--quiet", "--out", out};
    int argc = strcmp(cmd, "merge") == 0 ? 3 : 6; /* merge: no --quiet */
    for (int k = 0; k < 2 && c->arg[k] != NULL; k++)
        argv[argc++] = c->arg[k];
    FILE *o = tmpfile(), *e = tmpfile();
    int status = cli_main_streams(argc, (char **)argv, o, e);
    char err[4096];
    rewind(e);
    size_t n = fread(err, 1, sizeof err - 1, e);
    err[n] = '\0';
    fclose(o);
    fclose(e);
    fprintf(stderr, "case %d (%s): exit %d: %s", i, c->what, status, err);
    cr_expect_eq(status, 2, "case %d (%s): exit %d", i, c->what, status);
    cr_expect_eq(count_lines(err), 1, "case %d (%s): %d lines: %s", i,
                 c->what, count_lines(err), err);
    if (c->want != NULL) {
        char tmpl[4096];
        expand(c->want, "%M", models, tmpl, sizeof tmpl);
        expand(tmpl, "@", dir, want, sizeof want);
        strcat(want, "\n");
        cr_expect_str_eq(err, want, "case %d (%s)", i, c->what);
    }
    cr_expect_eq(support_dir_entries(out), -1,
                 "case %d (%s): output folder created", i, c->what);
}

Test(badinput, every_case_exits_2_with_its_one_line_and_writes_nothing)
{
    int n = (int)(sizeof cases / sizeof cases[0]);
    for (int i = 0; i < n; i++)
        run_case(&cases[i], i);
    fprintf(stderr, "%d bad-input cases\n", n);
}
