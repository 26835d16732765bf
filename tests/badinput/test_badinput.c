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
 * Adding a case is one row at the end of `cases` (or of `more_cases` in
 * more_cases.inc, the second table): the scenario body (%M is replaced by
 * the source tree's models folder, %T by its traces folder), up to six
 * extra files in the case's folder (bytes and length, so NUL bytes are
 * possible; %P in a body is a live PID, %WN; is N fields "c,"), extra
 * arguments ('@' is the case's folder), and the expected line, in which
 * '@' stands for the case's folder, %P for that PID and %X for any 16 hex
 * digits (a sweep plan's hash, which covers absolute paths).  The command
 * is `run`, or `sweep`/`merge`/`optimize`/`catalog`/`calibrate` when the case's name
 * starts so (`cli:` gives the arguments alone).  A case may first run a
 * valid command (`setup`) and a shell line in its folder (`shell`), and
 * then runs once, over what they left; a case whose `fifo_then` is set
 * makes files[0] a named pipe that gives its body to the first reader and
 * `fifo_then` to every later one (a trace that changes under the reader:
 * the run fails mid-way, so it runs once, over a previous set).
 * catalogue.c runs a case; test_diskfull.c fills a small tmpfs in the
 * middle of `run`, `run --requests` and `sweep`.
 * Does not pin: the wording of messages outside this table.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "support.h"

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
/* a scenario with one more top-level key (and value) */
#define TOP(kv)                                                             \
    "{\"horizon_s\": 600, " kv ", \"models_dir\": \"%M\", \"model\": "      \
    "\"mlp-tabular\", \"workload\": " POISSON ", \"alternatives\": "         \
    "[{\"name\": \"a\", \"memory_mb\": 512}]}"
/* 1 to 100 */
#define VALUES100                                                           \
    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, " \
    "19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, " \
    "35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, " \
    "51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, " \
    "67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, " \
    "83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, " \
    "99, 100"
/* 1 to 32 */
#define VALUES32                                                            \
    "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, "  \
    "20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32"
/* a scenario reading the profile m.json of its folder, and that profile
 * with a calibration block */
#define PROFILE_SCEN                                                        \
    "{\"horizon_s\": 600, \"model\": \"m.json\", \"workload\": " POISSON    \
    ", \"alternatives\": [{\"name\": \"a\", \"memory_mb\": 512}]}"
#define PROFILE(calibration)                                                \
    "{\"name\": \"m\", \"size_mb\": 5, \"memory_mb\": 41, \"hardware\": "   \
    "{\"cpu\": {\"cold_start\": {\"sandbox\": {\"dist\": \"constant\", "    \
    "\"value_ms\": 150}}, \"warm\": {\"a_ms\": 0.054, \"c_ms\": 0.0111, "   \
    "\"sigma\": 0.15}}}, \"calibration\": {\"model_file\": \"m.onnx\", "    \
    calibration "}}"
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
    {"slo_ttft negative", "{\"horizon_s\": 10, \"slo_ttft_ms\": -1}", {{0}},
     {NULL}, "simsrv: @/bad.json: slo_ttft_ms: must be > 0 (got -1)"},
    {"slo_tpot zero", "{\"horizon_s\": 10, \"slo_tpot_ms\": 0}", {{0}},
     {NULL}, "simsrv: @/bad.json: slo_tpot_ms: must be > 0 (got 0)"},
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
     "characters (try 'simsrv merge --help')"},
    {"sweep: scenario missing", "{\"scenario\": \"nosuch.json\"}", {{0}},
     {NULL},
     "simsrv: @/nosuch.json: cannot open: No such file or directory"},
    {"sweep: unknown key", "{\"scenario\": \"s.json\", \"colour\": 1}", {{0}},
     {NULL},
     "simsrv: @/bad.json: colour: unknown key 'colour' (did you mean "
     "'points'?)"},
    /* llm profiles: models/<name>.json with the "llm" blocks (the shape;
     * per class the time model and cold-start pieces per TP degree), each
     * case one bad value in an otherwise valid profile m/x.json */
#define LLM_SCEN                                                            \
    "{\"horizon_s\": 600, \"models_dir\": \"m\", \"model\": \"x\", "        \
    "\"workload\": " POISSON ", \"alternatives\": [{\"name\": \"a\"}]}"
#define LLM_SHAPE_KV(kv)                                                    \
    "\"llm\": {\"layers\": 2, \"hidden\": 64, \"q_heads\": 8, "              \
    "\"kv_heads\": " kv ", \"head_dim\": 8, \"ffn\": 128, \"vocab\": 100, "  \
    "\"params\": 1e6, \"dtype_bytes\": 2, \"weights_bytes\": 2e6}, "
#define LLM_SHAPE LLM_SHAPE_KV("4")
#define LLM_KNOTS "\"knots_tokens\": [1, 100], \"emb_us\": [1, 2], "
#define LLM_TM(body) "{\"kind\": \"fitted\", " body "\"layer_us\": [10, 20]}"
#define LLM_TM_OK LLM_TM(LLM_KNOTS)
#define LLM_COLD                                                            \
    "{\"container_start_ms\": 1, \"runtime_init_ms\": 1, "                  \
    "\"kv_alloc_ms\": 1, \"warmup_ms\": 1}"
#define LLM_TP(deg, tm, cold)                                               \
    "\"" deg "\": {\"time_model\": " tm ", \"cold_start\": " cold "}"
#define LLM_HW(extra, tps)                                                  \
    "{\"gpu_memory_gib\": 80, " extra "\"tp\": {" tps "}}"
#define LLM_PROFILE(shape, hw)                                              \
    "{\"name\": \"x\", \"size_mb\": 2, \"memory_mb\": 4, " shape             \
    "\"hardware\": {\"gpu-a100-80\": {\"cold_start\": {}, \"warm\": "       \
    "{\"a_ms\": 1, \"c_ms\": 0}, \"llm\": " hw "}}}"
#define LLM_CASE(what, profile, want)                                       \
    {what, LLM_SCEN, {{"m", NULL, 0}, {"m/x.json", profile, 0}}, {NULL},   \
     "simsrv: @/m/x.json: " want}
#define LLM_OK_HW LLM_HW("", LLM_TP("1", LLM_TM_OK, LLM_COLD))
    LLM_CASE("llm: KV heads do not divide query heads",
             LLM_PROFILE(LLM_SHAPE_KV("3"), LLM_OK_HW),
             "llm.kv_heads: must divide q_heads (8), got 3"),
    LLM_CASE("llm: layers 0",
             "{\"name\": \"x\", \"size_mb\": 2, \"memory_mb\": 4, \"llm\": "
             "{\"layers\": 0}, \"hardware\": {}}",
             "llm.layers: must be in 1..100000 (got 0)"),
    LLM_CASE("llm: misspelt key",
             "{\"name\": \"x\", \"size_mb\": 2, \"memory_mb\": 4, \"llm\": "
             "{\"layer\": 2}, \"hardware\": {}}",
             "llm.layer: unknown key 'layer' (did you mean 'layers'?)"),
    LLM_CASE("llm: hardware block without the model's shape",
             LLM_PROFILE("", LLM_OK_HW),
             "hardware.gpu-a100-80.llm: an LLM hardware block needs the "
             "model's 'llm' block (its shape)"),
    LLM_CASE("llm: TP degree 3",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("3", LLM_TM_OK, LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.3: not a TP degree (1, 2, 4 or 8)"),
    LLM_CASE("llm: TP 8 with 4 KV heads",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("8", LLM_TM_OK, LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.8: TP 8 must divide the query "
             "heads (8) and the KV heads (4)"),
    LLM_CASE("llm: the weights do not fit one GPU",
             LLM_PROFILE(LLM_SHAPE,
                         "{\"gpu_memory_gib\": 0.001, \"tp\": {" LLM_TP(
                             "1", LLM_TM_OK, LLM_COLD) "}}"),
             "hardware.gpu-a100-80.llm.tp.1: the weights on one GPU "
             "(0.001863 GiB) do not fit its 0.001 GiB"),
    LLM_CASE("llm: no TP degree",
             LLM_PROFILE(LLM_SHAPE, LLM_HW("", "")),
             "hardware.gpu-a100-80.llm.tp: no TP degree is described"),
    LLM_CASE("llm: GPU memory missing",
             LLM_PROFILE(LLM_SHAPE, "{\"tp\": {}}"),
             "hardware.gpu-a100-80.llm.gpu_memory_gib: missing (a number is "
             "required)"),
    LLM_CASE("llm: NVMe rate 0",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("\"load_gb_per_s\": {\"nvme\": 0}, ",
                                LLM_TP("1", LLM_TM_OK, LLM_COLD))),
             "hardware.gpu-a100-80.llm.load_gb_per_s.nvme: must be > 0 (got "
             "0)"),
    LLM_CASE("llm: time model missing",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", "\"1\": {\"cold_start\": " LLM_COLD "}")),
             "hardware.gpu-a100-80.llm.tp.1.time_model: missing (the "
             "iteration time model is required)"),
    LLM_CASE("llm: time model kind unknown",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1", "{\"kind\": \"forest\"}",
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model.kind: unknown time "
             "model 'forest' (fitted or linear)"),
    LLM_CASE("llm: knots not increasing",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1",
                                           LLM_TM("\"knots_tokens\": [1, 1], "
                                                  "\"emb_us\": [1, 2], "),
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model.knots_tokens[1]: knots "
             "must increase (1 after 1)"),
    LLM_CASE("llm: a table with fewer values than knots",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1",
                                           LLM_TM("\"knots_tokens\": [1, 2, "
                                                  "3], \"emb_us\": [1, 2, 3], "),
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model.layer_us: must have "
             "one value per knot (3)"),
    LLM_CASE("llm: a negative table value",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1",
                                           LLM_TM("\"knots_tokens\": [1, 2], "
                                                  "\"emb_us\": [1, -2], "),
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model.emb_us[1]: must be a "
             "number in 0..1e15"),
    LLM_CASE("llm: more than 32 knots",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1",
                                           LLM_TM("\"knots_tokens\": [1,2,3,"
                                                  "4,5,6,7,8,9,10,11,12,13,14,"
                                                  "15,16,17,18,19,20,21,22,23,"
                                                  "24,25,26,27,28,29,30,31,32,"
                                                  "33], "),
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model.knots_tokens: must be "
             "a list of 1..32 numbers"),
    LLM_CASE("llm: a negative coefficient",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1",
                                           LLM_TM(LLM_KNOTS
                                                  "\"attn_decode_kv_token_us\""
                                                  ": -1, "),
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model."
             "attn_decode_kv_token_us: must be >= 0 (got -1)"),
    LLM_CASE("llm: fit median above its maximum",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1",
                                           LLM_TM(LLM_KNOTS
                                                  "\"fit\": {\"heldout_median_"
                                                  "rel_err\": 0.5, \"heldout_"
                                                  "max_rel_err\": 0.1}, "),
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model.fit."
             "heldout_median_rel_err: above the maximum (0.5 > 0.10000000000000001)"),
    LLM_CASE("llm: linear time model of zeros",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1", "{\"kind\": \"linear\", "
                                                "\"iter_us\": 0}",
                                           LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1.time_model: a linear time model "
             "needs a coefficient > 0"),
    LLM_CASE("llm: cold-start piece missing",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1", LLM_TM_OK,
                                           "{\"container_start_ms\": 1, "
                                           "\"runtime_init_ms\": 1, "
                                           "\"kv_alloc_ms\": 1}"))),
             "hardware.gpu-a100-80.llm.tp.1.cold_start.warmup_ms: missing (a "
             "number is required)"),
    LLM_CASE("llm: TP degree given twice",
             LLM_PROFILE(LLM_SHAPE,
                         LLM_HW("", LLM_TP("1", LLM_TM_OK, LLM_COLD) ", "
                                        LLM_TP("1", LLM_TM_OK, LLM_COLD))),
             "hardware.gpu-a100-80.llm.tp.1: TP 1 given twice"),
    /* size bounds (issue 13 item 8) and checksums; a shard row changed
     * after it was written is in test_bounds.c (a merge reads shard files
     * in the output folder, which this table requires to stay absent) */
    {"rate 1e15", SCEN("{\"type\": \"poisson\", \"rate_per_s\": 1e15}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: 1e+15 per s over 600 s x 1 "
     "replication is 6e+17 expected arrivals; at most 1e+09 per run (about "
     "4 minutes of simulation at 4 M requests/s)"},
    {"diurnal peak over the bound",
     SCEN("{\"type\": \"diurnal\", \"rate_per_s\": 1e6, \"amplitude\": 1}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: 2e+06 per s over 600 s x 1 "
     "replication is 1.2e+09 expected arrivals; at most 1e+09 per run "
     "(about 4 minutes of simulation at 4 M requests/s)"},
    {"mmpp switching every nanosecond",
     SCEN("{\"type\": \"mmpp\", \"rate_on_per_s\": 1, \"rate_off_per_s\": 0, "
          "\"mean_on_s\": 1e-9, \"mean_off_s\": 1e-9}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.mean_on_s: 1e+09 state changes per s "
     "over 600 s x 1 replication is 6e+11 expected events; at most 1e+09 "
     "per run (about 4 minutes of simulation at 4 M requests/s)"},
    {"steps: one step over the bound",
     SCEN("{\"type\": \"steps\", \"steps\": [{\"at_s\": 0, \"rate_per_s\": "
          "1}, {\"at_s\": 100, \"rate_per_s\": 1e7}]}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.steps[1].rate_per_s: 1e+07 per s over "
     "600 s x 1 replication is 5e+09 expected arrivals; at most 1e+09 per "
     "run (about 4 minutes of simulation at 4 M requests/s)"},
    {"rate x horizon x replications over the bound",
     "{\"horizon_s\": 600, \"replications\": 100, \"models_dir\": \"%M\", "
     "\"model\": \"mlp-tabular\", \"workload\": {\"type\": \"poisson\", "
     "\"rate_per_s\": 2e4}, \"alternatives\": [{\"name\": \"a\", "
     "\"memory_mb\": 512}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: workload.rate_per_s: 20000 per s over 600 s x 100 "
     "replications is 1.2e+09 expected arrivals; at most 1e+09 per run "
     "(about 4 minutes of simulation at 4 M requests/s)"},
    {"histogram of 10^7 bins",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"keepalive\": {\"policy\": "
         "\"hybrid-histogram\", \"hist_bin_s\": 0.001}}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].keepalive.hist_bin_s: 0.001 s over "
     "hist_range_s 14400 s is 14400000 bins; at most 100000 (one counter "
     "per bin and function, scanned at every decision)"},
    {"Azure 2019 minute count 4294967295", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,"
                "4294967295\n",
       0}},
     {NULL},
     "simsrv: @/i.csv: line 2, column 6: invocation count 4294967295 is over "
     "1000000000 in a minute (one function's minute would pass a run's "
     "10^9 arrivals)"},
    {"Azure 2019 minute count past 2^64", SCEN(AZ2019),
     {{"i.csv", "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,"
                "99999999999999999999999\n",
       0}},
     {NULL},
     "simsrv: @/i.csv: line 2, column 6: invocation count "
     "99999999999999999999999 is over 1000000000 in a minute (one "
     "function's minute would pass a run's 10^9 arrivals)"},
    /* integer keys: the range is checked before any cast */
    {"replications 2.5",
     TOP("\"replications\": 2.5"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: replications: expected an integer (got 2.5)"},
    {"replications 1e300",
     TOP("\"replications\": 1e300"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: replications: must be in 1..100000 (got "
     "1.0000000000000001e+300)"},
    {"seed -1",
     TOP("\"seed\": -1"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: seed: must be in 0..9007199254740991 (got -1)"},
    {"memory_mb 1e300", ALT("{\"name\": \"a\", \"memory_mb\": 1e300}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].memory_mb: must be in 1..1048576 "
     "(got 1.0000000000000001e+300)"},
    {"concurrency 2.5",
     ALT("{\"name\": \"a\", \"memory_mb\": 512, \"concurrency\": 2.5}"),
     {{0}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].concurrency: expected an integer "
     "(got 2.5)"},
    {"profile: calibration batch 1e300", PROFILE_SCEN,
     {{"m.json", PROFILE("\"batches\": [1, 1e300]"), 0}}, {NULL},
     "simsrv: @/m.json: calibration.batches[1]: must be in 1..4096 (got "
     "1.0000000000000001e+300)"},
    {"profile: calibration dimension -1", PROFILE_SCEN,
     {{"m.json", PROFILE("\"batches\": [1], \"dims\": {\"seq\": -1}"), 0}},
     {NULL},
     "simsrv: @/m.json: calibration.dims.seq: must be in 1..2147483647 (got "
     "-1)"},
    {"sweep: points x replications over 10^8 cells",
     "{\"scenario\": \"%M/../scenarios/keepalive-base.json\", "
     "\"replications\": 100000, \"grid\": {\"slo_ms\": [" VALUES32 "], "
     "\"seed\": [" VALUES32 "]}}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: grid: 1024 points x 100000 replications are "
     "102400000 cells; at most 100000000 (cell indices are ints; split the "
     "sweep)"},
    /* 10^6 x 146 bytes (three values of one character) + 10^8 cells x (9 +
     * 2 x 48) bytes: 10^8 cells is the most, but they do not fit */
    {"sweep: a 10^6-point grid over the memory bound",
     "{\"scenario\": \"%M/../scenarios/keepalive-base.json\", "
     "\"replications\": 100, \"grid\": {\"slo_ms\": [" VALUES100 "], \"seed\": "
     "[" VALUES100 "], \"timeseries_interval_s\": [" VALUES100 "]}}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: grid: 1000000 points x 100 replications x 2 "
     "alternatives hold about 10.6 GB at once (146 bytes a point, 105 a "
     "cell); at most 4.29 GB (split the sweep)"},
    /* optimize */
    {"optimize: unknown constraint metric",
     "{\"scenario\": \"s.json\", \"constraints\": [{\"metric\": \"p99\", "
     "\"<=\": 300}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: constraints[0].metric: 'p99' is not a metric "
     "of the summary (nearest: 'p99_ms')"},
    {"optimize: two bounds",
     "{\"scenario\": \"s.json\", \"constraints\": [{\"metric\": "
     "\"p99_ms\", \"<=\": 300, \">=\": 1}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: constraints[0]: give one bound, \"<=\" or \">=\""},
    {"optimize: no bound",
     "{\"scenario\": \"s.json\", \"constraints\": [{\"metric\": "
     "\"cold_pct\"}]}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: constraints[0]: give one bound, \"<=\" or \">=\""},
    {"optimize: unknown objective",
     "{\"scenario\": \"s.json\", \"objective\": \"usd_per_mont\"}", {{0}},
     {NULL}, "simsrv: @/bad.json: objective: 'usd_per_mont' is not a metric of "
     "the summary (nearest: 'usd_per_month')"},
    {"optimize: objective both ways",
     "{\"scenario\": \"s.json\", \"objective\": {\"minimize\": \"cost_usd\", "
     "\"maximize\": \"slo_pct\"}}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: objective: give a metric name, or one of "
     "{\"minimize\": name} and {\"maximize\": name}"},
    {"optimize: confidence 1", "{\"scenario\": \"s.json\", \"confidence\": 1}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: confidence: 1 is not between 0.5 and 1 "
     "(exclusive)"},
    {"optimize: max below initial",
     "{\"scenario\": \"s.json\", \"replications\": {\"initial\": 20, "
     "\"max\": 10}}",
     {{0}}, {NULL}, "simsrv: @/bad.json: replications.max: 10 is below "
     "replications.initial (20)"},
    {"optimize: range of one number",
     "{\"scenario\": \"s.json\", \"space\": {\"alternatives[0].memory_mb\": "
     "{\"range\": [512]}}}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: space[\"alternatives[0].memory_mb\"].range: "
     "expected [from, to] (integers)"},
    {"optimize: log range from 0",
     "{\"scenario\": \"s.json\", \"space\": {\"alternatives[0].memory_mb\": "
     "{\"log_range\": [0, 1024], \"count\": 4}}}",
     {{0}}, {NULL}, "simsrv: @/bad.json: "
     "space[\"alternatives[0].memory_mb\"].log_range: a geometric range "
     "starts at 1 or more"},
    {"optimize: space too large",
     "{\"scenario\": \"s.json\", \"space\": {\"workload.rate_per_s\": "
     "{\"range\": [1, 100]}, \"alternatives[0].memory_mb\": {\"range\": "
     "[128, 10240], \"step\": 64}}}",
     {{0}}, {NULL}, "simsrv: @/bad.json: space: 15900 points (at most 4096)"},
    {"optimize: unknown key", "{\"scenario\": \"s.json\", \"budget\": 1}",
     {{0}}, {NULL},
     "simsrv: @/bad.json: budget: unknown key 'budget' (did you mean "
     "'name'?)"},
    {"optimize: unknown search", "{\"scenario\": \"s.json\", \"search\": "
     "\"halving\"}", {{0}}, {NULL},
     "simsrv: @/bad.json: search: 'halving' is not \"all\" or \"monotone\""},
    {"optimize: unknown option", "{}", {{0}}, {"--shards", "2"},
     "simsrv: optimize: unknown option '--shards' (try 'simsrv "
     "optimize --help')"},
    /* the shipped Llama-2-70B where one GPU's share of it does not fit:
     * the weights (138.0 GB) / tp + the reserve against 0.9 of each GPU */
#define LLM70(alt)                                                          \
    "{\"horizon_s\": 600, \"models_dir\": \"%M\", \"model\": "              \
    "\"llama-2-70b\", \"workload\": " POISSON ", \"alternatives\": [" alt   \
    "]}"
    {"llm: 70B at TP 2 on 40 GB A100s (p4d.24xlarge)",
     LLM70("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
           "\"p4d.24xlarge\"}, \"executor\": {\"kind\": \"llm\", \"tp\": 2}}"),
     {{NULL}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].executor.tp: the weights of "
     "'llama-2-70b' (138.0 GB) and the activation reserve (3.05 GB per GPU) "
     "do not fit 2 x 42.9 GB at gpu_memory_utilization 0.9"},
    {"llm: 70B at TP 1 on one H100 (modal-h100)",
     LLM70("{\"name\": \"a\", \"pricing\": \"modal-h100\", \"memory_mb\": "
           "147456, \"concurrency\": 64, \"executor\": {\"kind\": \"llm\"}}"),
     {{NULL}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].executor.tp: the weights of "
     "'llama-2-70b' (138.0 GB) and the activation reserve (3.05 GB per GPU) "
     "do not fit 1 x 85.9 GB at gpu_memory_utilization 0.9"},
    {"llm: TP 2 on a one-GPU VM",
     LLM70("{\"name\": \"a\", \"platform\": \"vm\", \"vm\": {\"instance_type\": "
           "\"Standard_NC40ads_H100_v5\"}, \"executor\": {\"kind\": \"llm\", "
           "\"tp\": 2}}"),
     {{NULL}}, {NULL},
     "simsrv: @/bad.json: alternatives[0].executor.tp: 2 GPUs per engine; a "
     "Standard_NC40ads_H100_v5 has 1"},
};

#include "more_cases.inc"

Test(badinput, every_case_exits_2_with_its_one_line_and_changes_nothing)
{
    int n = (int)(sizeof cases / sizeof cases[0]);
    int m = (int)(sizeof more_cases / sizeof more_cases[0]);
    for (int i = 0; i < n; i++)
        catalogue_run_case(&cases[i], i);
    for (int i = 0; i < m; i++)
        catalogue_run_case(&more_cases[i], n + i);
    fprintf(stderr, "%d bad-input cases\n", n + m);
}
