/*
 * cli/scan.c - `plimsoll scan`: the options, a project of the paths given,
 * the engine's run, and its results handed to the output formats.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plm_config.h"

#include "cli/cli.h"
#include "cli/policy_options.h"
#include "cli/progress.h"
#include "engine/baseline.h"
#include "engine/config.h"
#include "engine/engine.h"
#include "engine/result.h"
#include "engine/run.h"
#include "output/output.h"
#include "plimsoll/plimsoll.h"
#include "util/alloc.h"

/* More workers than this buys nothing and costs a Lua state each. */
#define MAX_JOBS 256

struct output_request {
	const char *format;
	const char *path; /* NULL: stdout */
};

struct scan_options {
	struct plm_strvec paths;
	struct plm_strvec compose_files; /* -f: merged in order */
	enum plm_kind kind;
	const char *stdin_filename;
	struct output_request *outputs;
	size_t output_count;
	struct plm_strvec plugins;
	long jobs;
	bool follow_symlinks;
	bool filter_named;      /* --filter-named */
	bool env_interpolation; /* --env-interpolation */
	size_t max_file_size;
	int fail_on;
	bool fail_on_given; /* --fail-on wins over every configuration */
	const char *config; /* --config FILE */
	bool no_config;     /* --no-config */
	bool include_suppressed;
	bool report_unused_ignores; /* --report-unused-ignores */
	const char *baseline;       /* --baseline FILE */
	const char *write_baseline; /* --write-baseline FILE */
	const char *sarif_category;
	const char *source_root; /* --source-root, as given */
	const char *docs_url;    /* --docs-url: the rule pages' base */
	bool profile;            /* --profile */
	bool no_color;
	enum plm_progress_mode progress; /* --progress, --no-progress */
	/* Policy selection and limits, handed to the engine. */
	struct plm_policy_options policy;
};

static void usage(FILE *out)
{
	fputs("usage: plimsoll scan [OPTIONS] [PATH...]\n"
	      "\n"
	      "Scans Dockerfiles, Compose files and Kubernetes manifests. PATH is a file,\n"
	      "a directory (walked recursively) or - for standard input; default: .\n"
	      "\n"
	      "Input:\n"
	      "  --kind KIND             treat files as dockerfile, compose, kubernetes or command\n"
	      "  --stdin-filename NAME   the name to report for standard input\n"
	      "  -f, --compose-file FILE Compose files merged in order (-f a -f b)\n"
	      "  --follow-symlinks       follow symbolic links that lead out of a walked\n"
	      "                          directory, and walk symlinked directories\n"
	      "  --filter-named          judge the files named as a directory walk does:\n"
	      "                          pass over those a walk would (for pre-commit)\n"
	      "  --max-file-size SIZE    skip larger files (default 64M): an error for a\n"
	      "                          file named, a note for one found by walking\n"
	      "  --env-interpolation     Compose interpolation also reads this process's\n"
	      "                          environment (default: the .env file only); the\n"
	      "                          values are shown as ${NAME} in every output\n"
	      "\n"
	      "Configuration:\n"
	      "  --config FILE           use FILE for every file scanned (no lookup)\n"
	      "  --no-config             use no configuration file; by default each\n"
	      "                          file's nearest .plimsoll.yaml (or .yml) from\n"
	      "                          its directory up to the repository root\n"
	      "                          applies (docs/configuration.md)\n"
	      "\n"
	      "Policies:\n" PLM_POLICY_OPTIONS_HELP
	      "  --profile               after the scan, print on stderr what each rule\n"
	      "                          cost: runs, findings, CPU time, budget charged\n"
	      "\n",
		out);
	fputs("Output:\n"
	      "  --format NAME           output format (repeatable); see below\n"
	      "  -o, --output FILE       where the preceding --format writes (default stdout)\n"
	      "  --plugin PATH.so        load a third-party output plugin\n"
	      "  --fail-on SEVERITY      exit 1 only for findings at or above SEVERITY\n"
	      "                          (info, low, medium, high, critical, or none:\n"
	      "                          never; default: the configuration's fail-on,\n"
	      "                          else info)\n"
	      "  --include-suppressed    also report findings ignored in source or\n"
	      "                          accepted in the baseline, marked as such\n"
	      "  --show-suppressed       the same (the name text readers look for)\n"
	      "  --report-unused-ignores warn about each ignore comment or annotation\n"
	      "                          id that suppressed no finding\n"
	      "  --baseline FILE         report only findings not recorded in FILE\n"
	      "  --write-baseline FILE   record the findings of this scan in FILE (the\n"
	      "                          ones suppressed in source are left out)\n"
	      "  --sarif-category NAME   SARIF automationDetails category\n"
	      "  --source-root DIR       the repository root: SARIF URIs and the paths of\n"
	      "                          the github, checkstyle, junit and codeclimate\n"
	      "                          formats are made relative to it (default: the\n"
	      "                          current directory)\n"
	      "  --docs-url URL          where the rule reference (docs/rules/) is\n"
	      "                          published: each rule's help link (SARIF\n"
	      "                          helpUri, json help_uri) is URL/<rule>.md\n"
	      "  --no-color              never colour the output (NO_COLOR is honoured too)\n"
	      "  --progress, --no-progress\n"
	      "                          show files scanned on stderr, or never (default:\n"
	      "                          on a terminal, and not when CI is set)\n"
	      "  -j, --jobs N            files scanned in parallel (default: CPUs,\n"
	      "                          fewer when the files are too few to\n"
	      "                          pay for another worker)\n"
	      "  -h, --help              show this help\n"
	      "\n"
	      "Exit status: 0 no findings at or above the threshold, 1 findings,\n"
	      "2 usage, configuration or policy error (the run is incomplete).\n"
	      "\n"
	      "Formats:\n",
		out);
	for (const struct plm_output_plugin *const *p = plm_output_builtins();
		*p != NULL; p++) {
		fprintf(out, "  %-12s %s\n", (*p)->name, (*p)->description);
	}
}

enum {
	OPT_KIND = 256,
	OPT_STDIN_FILENAME,
	OPT_FOLLOW,
	OPT_FILTER_NAMED,
	OPT_ENV_INTERPOLATION,
	OPT_MAX_FILE_SIZE,
	OPT_FORMAT,
	OPT_PLUGIN,
	OPT_FAIL_ON,
	OPT_INCLUDE_SUPPRESSED,
	OPT_REPORT_UNUSED,
	OPT_BASELINE,
	OPT_WRITE_BASELINE,
	OPT_SARIF_CATEGORY,
	OPT_SOURCE_ROOT,
	OPT_DOCS_URL,
	OPT_PROFILE,
	OPT_NO_COLOR,
	OPT_CONFIG,
	OPT_NO_CONFIG,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
};

static const struct option long_options[] = {
	{"kind", required_argument, NULL, OPT_KIND},
	{"stdin-filename", required_argument, NULL, OPT_STDIN_FILENAME},
	{"compose-file", required_argument, NULL, 'f'},
	{"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
	{"filter-named", no_argument, NULL, OPT_FILTER_NAMED},
	{"env-interpolation", no_argument, NULL, OPT_ENV_INTERPOLATION},
	{"max-file-size", required_argument, NULL, OPT_MAX_FILE_SIZE},
	PLM_POLICY_LONG_OPTIONS,
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, 'o'},
	{"plugin", required_argument, NULL, OPT_PLUGIN},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"include-suppressed", no_argument, NULL, OPT_INCLUDE_SUPPRESSED},
	{"show-suppressed", no_argument, NULL, OPT_INCLUDE_SUPPRESSED},
	{"report-unused-ignores", no_argument, NULL, OPT_REPORT_UNUSED},
	{"baseline", required_argument, NULL, OPT_BASELINE},
	{"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
	{"sarif-category", required_argument, NULL, OPT_SARIF_CATEGORY},
	{"source-root", required_argument, NULL, OPT_SOURCE_ROOT},
	{"docs-url", required_argument, NULL, OPT_DOCS_URL},
	{"profile", no_argument, NULL, OPT_PROFILE},
	{"no-color", no_argument, NULL, OPT_NO_COLOR},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"progress", no_argument, NULL, OPT_PROGRESS},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"jobs", required_argument, NULL, 'j'},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

PLM_PRINTF(1, 2) static int bad_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("plimsoll scan: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see plimsoll scan --help)\n", stderr);
	return PLM_EXIT_ERROR;
}

static int add_output(struct scan_options *o, const char *format)
{
	struct output_request *n = plm_realloc(o->outputs,
		(o->output_count + 1) * sizeof(*n));
	if (n == NULL) {
		return -1;
	}
	o->outputs = n;
	o->outputs[o->output_count].format = format;
	o->outputs[o->output_count].path = NULL;
	o->output_count++;
	return 0;
}

/* Returns -1 to go on, else the exit status to end with. */
static int parse_options(int argc, char **argv, struct scan_options *o)
{
	int c;
	bool oom = false;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:j:h", long_options, NULL)) !=
		-1) {
		int policy = plm_policy_option(&o->policy, c, optarg, "scan");
		if (policy < 0) {
			return PLM_EXIT_ERROR;
		}
		if (policy > 0) {
			continue;
		}
		switch (c) {
		case OPT_KIND:
			o->kind = plm_kind_parse(optarg);
			if (o->kind == PLM_KIND_UNKNOWN) {
				return bad_usage(
					"unknown kind '%s' (expected "
					"dockerfile, compose, kubernetes or command)",
					optarg);
			}
			break;
		case OPT_STDIN_FILENAME:
			o->stdin_filename = optarg;
			break;
		case 'f':
			oom |= plm_strvec_push(&o->compose_files, optarg) != 0;
			break;
		case OPT_FOLLOW:
			o->follow_symlinks = true;
			break;
		case OPT_FILTER_NAMED:
			o->filter_named = true;
			break;
		case OPT_ENV_INTERPOLATION:
			o->env_interpolation = true;
			break;
		case OPT_MAX_FILE_SIZE:
			if (plm_parse_size(optarg, &o->max_file_size) != 0 ||
				o->max_file_size == 0) {
				return bad_usage("--max-file-size takes a size such "
						 "as 512k or 16M, not '%s'",
					optarg);
			}
			if (o->max_file_size > PLM_MAX_FILE_SIZE) {
				return bad_usage("--max-file-size cannot exceed 64M "
						 "(got '%s')",
					optarg);
			}
			break;
		case OPT_FORMAT:
			oom |= add_output(o, optarg) != 0;
			break;
		case 'o':
			if (o->output_count == 0) {
				oom |= add_output(o, NULL) != 0;
			}
			if (!oom) {
				if (o->outputs[o->output_count - 1].path !=
					NULL) {
					return bad_usage(
						"--output '%s' follows another "
						"--output: give a --format before each",
						optarg);
				}
				o->outputs[o->output_count - 1].path = optarg;
			}
			break;
		case OPT_PLUGIN:
			oom |= plm_strvec_push(&o->plugins, optarg) != 0;
			break;
		case OPT_FAIL_ON:
			o->fail_on = strcmp(optarg, "none") == 0
				? PLM_CONFIG_FAIL_ON_NONE
				: plm_severity_parse(optarg);
			if (o->fail_on < 0) {
				return bad_usage("unknown severity '%s' (expected "
						 "info, low, medium, high, critical "
						 "or none)",
					optarg);
			}
			o->fail_on_given = true;
			break;
		case OPT_CONFIG:
			o->config = optarg;
			break;
		case OPT_NO_CONFIG:
			o->no_config = true;
			break;
		case OPT_INCLUDE_SUPPRESSED:
			o->include_suppressed = true;
			break;
		case OPT_REPORT_UNUSED:
			o->report_unused_ignores = true;
			break;
		case OPT_BASELINE:
			o->baseline = optarg;
			break;
		case OPT_WRITE_BASELINE:
			o->write_baseline = optarg;
			break;
		case OPT_SARIF_CATEGORY:
			o->sarif_category = optarg;
			break;
		case OPT_SOURCE_ROOT:
			o->source_root = optarg;
			break;
		case OPT_DOCS_URL:
			if (!plm_docs_url_valid(optarg)) {
				return bad_usage("--docs-url wants an http(s) "
						 "address without ?, # or "
						 "spaces, not '%s'",
					optarg);
			}
			o->docs_url = optarg;
			break;
		case OPT_PROFILE:
			o->profile = true;
			break;
		case OPT_NO_COLOR:
			o->no_color = true;
			break;
		case OPT_PROGRESS:
			o->progress = PLM_PROGRESS_ALWAYS;
			break;
		case OPT_NO_PROGRESS:
			o->progress = PLM_PROGRESS_NEVER;
			break;
		case 'j': {
			char *end;
			errno = 0;
			o->jobs = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->jobs < 1 ||
				o->jobs > MAX_JOBS) {
				return bad_usage("--jobs takes a number from 1 to "
						 "256, not '%s'",
					optarg);
			}
			break;
		}
		case 'h':
			usage(stdout);
			return PLM_EXIT_CLEAN;
		default:
			fputs("(see plimsoll scan --help)\n", stderr);
			return PLM_EXIT_ERROR;
		}
	}
	for (int i = optind; i < argc; i++) {
		oom |= plm_strvec_push(&o->paths, argv[i]) != 0;
	}
	if (oom) {
		fputs("plimsoll scan: out of memory\n", stderr);
		return PLM_EXIT_ERROR;
	}
	return -1;
}

static void iso_time(char *buf, size_t len, const struct timespec *ts)
{
	struct tm tm;
	gmtime_r(&ts->tv_sec, &tm);
	size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ldZ", ts->tv_nsec / 1000000);
}

/* --source-root as an absolute directory ending with '/'. Returns 0, or
 * -1 after saying why. */
static int resolve_directory(const char *dir, char out[PATH_MAX + 2])
{
	struct stat st;
	if (realpath(dir, out) == NULL) {
		fprintf(stderr, "plimsoll scan: --source-root %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	if (stat(out, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr,
			"plimsoll scan: --source-root %s: not a "
			"directory\n",
			dir);
		return -1;
	}
	if (out[strlen(out) - 1] != '/') {
		strcat(out, "/");
	}
	return 0;
}

static char *join_command_line(int argc, char **argv)
{
	size_t len = sizeof("plimsoll");
	for (int i = 0; i < argc; i++) {
		len += strlen(argv[i]) + 1;
	}
	char *s = plm_malloc(len);
	if (s == NULL) {
		return NULL;
	}
	/* Appended at the end kept in p: strcat would rescan the whole
	 * line for each of thousands of paths. */
	char *p = s;
	memcpy(p, "plimsoll", sizeof("plimsoll") - 1);
	p += sizeof("plimsoll") - 1;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		*p++ = ' ';
		memcpy(p, argv[i], n);
		p += n;
	}
	*p = '\0';
	return s;
}

/* What the sink needs while results stream past. */
struct emitter {
	struct plm_output_set *outs;
	const struct scan_options *o;
	struct plm_run_summary sum;
	struct plm_strvec paths;              /* the scanned files, owned */
	struct plm_baseline *baseline;        /* --baseline, or NULL */
	struct plm_baseline_writer *recorder; /* --write-baseline, or NULL */
	struct plm_progress progress;
	int rc; /* the first output error */
	bool incomplete;
	bool fail; /* a finding at or above --fail-on */
	bool out_of_memory;
};

static void emit_finding(struct emitter *em, const struct plm_finding *f,
	int fail_on)
{
	struct plm_finding accepted;
	if (f->suppression == PLM_SUPPRESSION_NONE && em->recorder != NULL &&
		plm_baseline_writer_add(em->recorder, f) != 0) {
		em->out_of_memory = true;
	}
	if (f->suppression == PLM_SUPPRESSION_NONE &&
		plm_baseline_contains(em->baseline, f->fingerprint)) {
		em->sum.findings_baselined++;
		accepted = *f;
		accepted.suppression = PLM_SUPPRESSION_EXTERNAL;
		accepted.suppression_justification = "accepted in the baseline";
		f = &accepted;
	} else if (f->suppression != PLM_SUPPRESSION_NONE) {
		em->sum.findings_suppressed++;
		if (!em->o->include_suppressed) {
			return;
		}
	} else {
		em->sum.findings_by_severity[f->severity]++;
		if ((int)f->severity >= fail_on) {
			em->fail = true;
		}
	}
	int e = plm_output_finding(em->outs, f);
	em->rc = em->rc ? em->rc : e;
}

/* The pipeline's sink: one file's notifications and findings. */
static void emit(void *ctx, const struct plm_file_result *r)
{
	struct emitter *em = ctx;
	if (r->excluded) {
		return; /* the configuration leaves it out */
	}
	if (em->progress.share && (r->note_count > 0 || r->finding_count > 0)) {
		plm_progress_clear(&em->progress);
	}
	em->incomplete |= r->incomplete;
	em->sum.files_skipped += r->skipped;
	for (size_t k = 0; r->scanned && k <= r->also_count; k++) {
		char *path = plm_strdup(
			k == 0 ? r->path : r->also_paths[k - 1]);
		if (path == NULL || plm_strvec_push(&em->paths, path) != 0) {
			plm_free(path);
			em->out_of_memory = true;
		}
	}
	for (size_t k = 0; k < r->note_count; k++) {
		em->sum.notifications++;
		int e = plm_output_notification(em->outs, &r->notes[k]);
		em->rc = em->rc ? em->rc : e;
	}
	/* --fail-on, else the file's configuration, else info. */
	int fail_on = em->o->fail_on_given ? em->o->fail_on
		: r->fail_on >= 0          ? r->fail_on
					   : PLM_SEVERITY_INFO;
	for (size_t k = 0; k < r->finding_count; k++) {
		emit_finding(em, &r->findings[k], fail_on);
	}
}

static void show_progress(void *ctx, size_t done, size_t total)
{
	struct emitter *em = ctx;
	plm_progress_update(&em->progress, done, total);
}

/* --profile: one line per rule, the costliest first, and the total. */
static void print_profile(FILE *out, const struct plm_rule_info *rules,
	struct plm_rule_profile *totals, size_t count)
{
	size_t *order = plm_malloc((count ? count : 1) * sizeof(*order));
	if (order == NULL) {
		return;
	}
	struct plm_rule_profile all = {0};
	for (size_t i = 0; i < count; i++) {
		order[i] = i;
		all.runs += totals[i].runs;
		all.skipped += totals[i].skipped;
		all.findings += totals[i].findings;
		all.failures += totals[i].failures;
		all.nanoseconds += totals[i].nanoseconds;
		all.instructions += totals[i].instructions;
	}
	/* An insertion sort: rules are few. */
	for (size_t k = 1; k < count; k++) {
		size_t v = order[k];
		size_t j = k;
		for (; j > 0 &&
			totals[order[j - 1]].nanoseconds <
				totals[v].nanoseconds;
			j--) {
			order[j] = order[j - 1];
		}
		order[j] = v;
	}
	fprintf(out, "%-28s %7s %7s %8s %6s %9s %8s %8s %13s %11s\n", "rule",
		"runs", "skipped", "findings", "failed", "cpu ms", "mean us",
		"max ms", "charged", "max charged");
	for (size_t k = 0; k < count; k++) {
		const struct plm_rule_profile *t = &totals[order[k]];
		fprintf(out,
			"%-28s %7llu %7llu %8llu %6llu %9.2f %8.1f %8.2f "
			"%13llu %11llu\n",
			rules[order[k]].id, (unsigned long long)t->runs,
			(unsigned long long)t->skipped,
			(unsigned long long)t->findings,
			(unsigned long long)t->failures, t->nanoseconds / 1e6,
			t->runs ? t->nanoseconds / 1e3 / (double)t->runs : 0.0,
			t->max_nanoseconds / 1e6,
			(unsigned long long)t->instructions,
			(unsigned long long)t->max_instructions);
	}
	fprintf(out, "%-28s %7llu %7llu %8llu %6llu %9.2f %8s %8s %13llu\n",
		"total", (unsigned long long)all.runs,
		(unsigned long long)all.skipped,
		(unsigned long long)all.findings,
		(unsigned long long)all.failures, all.nanoseconds / 1e6, "", "",
		(unsigned long long)all.instructions);
	plm_free(order);
}

static void free_options(struct scan_options *o)
{
	plm_strvec_free(&o->paths, 0);
	plm_strvec_free(&o->compose_files, 0);
	plm_strvec_free(&o->plugins, 0);
	plm_policy_options_free(&o->policy);
	plm_free(o->outputs);
}

static bool want_color(const struct scan_options *o)
{
	const char *no_color = getenv("NO_COLOR");
	return !o->no_color && (no_color == NULL || no_color[0] == '\0');
}

/* Where an output would go: the file's (device, inode) when it exists,
 * else its directory's and its name, so that two spellings of one new
 * file compare equal. */
struct output_key {
	dev_t dev;
	ino_t ino;
	const char *name; /* NULL: the file exists */
};

static bool output_key(const char *path, struct output_key *k)
{
	struct stat st;
	if (stat(path, &st) == 0) {
		*k = (struct output_key){st.st_dev, st.st_ino, NULL};
		return true;
	}
	const char *slash = strrchr(path, '/');
	const char *name = slash ? slash + 1 : path;
	char dir[PATH_MAX];
	if (slash == NULL) {
		strcpy(dir, ".");
	} else if ((size_t)(slash - path) + 1 >= sizeof(dir)) {
		return false;
	} else {
		memcpy(dir, path, (size_t)(slash - path) + 1);
		dir[slash - path + 1] = '\0';
	}
	if (name[0] == '\0' || stat(dir, &st) != 0) {
		return false;
	}
	*k = (struct output_key){st.st_dev, st.st_ino, name};
	return true;
}

static bool same_key(const struct output_key *a, const struct output_key *b)
{
	if (a->dev != b->dev || a->ino != b->ino) {
		return false;
	}
	if (a->name == NULL || b->name == NULL) {
		return a->name == b->name;
	}
	return strcmp(a->name, b->name) == 0;
}

/* True if path is an existing file with the (device, inode) of k. */
static bool is_input(const char *path, const struct output_key *k)
{
	struct stat st;
	return path != NULL && strcmp(path, "-") != 0 && k->name == NULL &&
		stat(path, &st) == 0 && st.st_dev == k->dev &&
		st.st_ino == k->ino;
}

/* Refuses an --output that names an input (a path given, a -f file, any
 * file the project found) or the file of another --output. Returns -1 to
 * go on, else the exit status to end with. */
static int check_outputs(const struct scan_options *o,
	const struct plm_project *project)
{
	for (size_t i = 0; i < o->output_count; i++) {
		const char *path = o->outputs[i].path;
		struct output_key k;
		if (path == NULL || strcmp(path, "-") == 0 ||
			!output_key(path, &k)) {
			continue; /* stdout, or an open that will fail */
		}
		for (size_t j = 0; j < i; j++) {
			const char *other = o->outputs[j].path;
			struct output_key ok;
			if (other != NULL && strcmp(other, "-") != 0 &&
				output_key(other, &ok) && same_key(&k, &ok)) {
				return bad_usage("--output '%s' and --output '%s' "
						 "are the same file: give each format "
						 "its own",
					other, path);
			}
		}
		bool input = false;
		for (size_t j = 0; !input && j < o->paths.count; j++) {
			input = is_input(o->paths.items[j], &k);
		}
		for (size_t j = 0; !input && j < o->compose_files.count; j++) {
			input = is_input(o->compose_files.items[j], &k);
		}
		size_t n = plm_project_unit_count(project);
		for (size_t u = 0; !input && u < n; u++) {
			const struct plm_unit *unit = plm_project_unit(project,
				u);
			input = is_input(unit->path, &k);
			for (size_t j = 0; !input && j < unit->override_count;
				j++) {
				input = is_input(unit->overrides[j], &k);
			}
		}
		if (input) {
			return bad_usage("--output '%s' is one of the files "
					 "scanned: it would be overwritten",
				path);
		}
	}
	return -1;
}

/* The format used when none is asked for: text if it is built in. */
static const char *default_format(void)
{
	for (const struct plm_output_plugin *const *p = plm_output_builtins();
		*p != NULL; p++) {
		if (strcmp((*p)->name, "text") == 0) {
			return "text";
		}
	}
	return "gnu";
}

static int save_baseline(struct plm_baseline_writer *w, const char *path)
{
	char *error = NULL;
	int rc = plm_baseline_writer_save(w, path, &error);
	if (rc != 0) {
		fprintf(stderr, "plimsoll scan: %s\n",
			error ? error : plm_error_string(rc));
		plm_free(error);
	}
	return rc;
}

int plm_cli_scan(int argc, char **argv)
{
	struct scan_options o = {.jobs = 0, .fail_on = PLM_SEVERITY_INFO};
	struct plm_output_set *outs = NULL;
	struct plm_project *project = NULL;
	struct emitter em = {0};
	struct plm_engine *engine = NULL;
	struct plm_config_set *configs = NULL;
	struct plm_rules_docs docs = {0};
	char *command_line = NULL;
	char err[1024];
	int status = parse_options(argc, argv, &o);
	if (status >= 0) {
		goto out;
	}
	status = PLM_EXIT_ERROR;
	char source_root[PATH_MAX + 2] = "";
	if (o.source_root != NULL &&
		resolve_directory(o.source_root, source_root) != 0) {
		goto out;
	}

	outs = plm_output_set_create();
	if (outs == NULL) {
		goto oom;
	}
	for (size_t i = 0; i < o.plugins.count; i++) {
		if (plm_output_set_load(outs, o.plugins.items[i], err,
			    sizeof(err)) != 0) {
			fprintf(stderr, "plimsoll scan: %s\n", err);
			goto out;
		}
	}
	if (o.output_count == 0 && add_output(&o, NULL) != 0) {
		goto oom;
	}
	for (size_t i = 0; i < o.output_count; i++) {
		if (o.outputs[i].format == NULL) {
			o.outputs[i].format = default_format();
		}
		if (!plm_output_set_knows(outs, o.outputs[i].format)) {
			fprintf(stderr,
				"plimsoll scan: unknown format '%s' (see "
				"plimsoll scan --help for the list)\n",
				o.outputs[i].format);
			goto out;
		}
	}

	if (o.baseline != NULL) {
		char *error = NULL;
		int rc = plm_baseline_load(o.baseline, &em.baseline, &error);
		if (rc != 0) {
			fprintf(stderr, "plimsoll scan: %s\n",
				error ? error : plm_error_string(rc));
			plm_free(error);
			goto out;
		}
	}
	if (o.write_baseline != NULL &&
		(em.recorder = plm_baseline_writer_new()) == NULL) {
		goto oom;
	}

	long jobs = o.jobs;
	if (jobs <= 0) {
		jobs = sysconf(_SC_NPROCESSORS_ONLN);
		if (jobs < 1) {
			jobs = 1;
		}
	}
	/* -f a -f b: one Compose project; PATHs beside it scan as usual. */
	struct plm_project_options popt = {
		.jobs = jobs,
		.kind = o.kind,
		.follow_symlinks = o.follow_symlinks,
		.filter_named = o.filter_named,
		.environment = o.env_interpolation,
		.max_file_size = o.max_file_size,
		.stdin_name = o.stdin_filename,
		.compose_files = o.compose_files.items,
		.compose_file_count = o.compose_files.count,
	};
	if (plm_project_create(&popt, &project) != 0) {
		goto oom;
	}
	if (o.paths.count == 0 && o.compose_files.count == 0 &&
		plm_strvec_push(&o.paths, ".") != 0) {
		goto oom;
	}
	if (plm_project_add_paths(project, (const char *const *)o.paths.items,
		    o.paths.count) != 0) {
		goto oom;
	}
	if (plm_project_plan(project) != 0) {
		goto oom;
	}
	/* Every file's configuration is read and checked before any file
	 * is: its policy directories join the catalogue. */
	struct plm_config_options copt = {
		.file = o.config,
		.disabled = o.no_config,
		.cli_settings = o.policy.settings,
	};
	if (plm_config_set_create(&copt, &configs) != 0) {
		goto oom;
	}
	char *config_error = NULL;
	int crc = plm_config_discover(configs, project, &config_error);
	if (crc != 0) {
		goto config_failed;
	}
	struct plm_strvec dirs = {0};
	size_t config_dir_count = 0;
	const char *const *config_dirs = plm_config_policy_dirs(configs,
		&config_dir_count);
	if (plm_strvec_push_all(&dirs, &o.policy.dirs) != 0) {
		goto oom;
	}
	for (size_t i = 0; i < config_dir_count; i++) {
		if (plm_strvec_push(&dirs, config_dirs[i]) != 0) {
			plm_strvec_free(&dirs, 0);
			goto oom;
		}
	}
	struct plm_engine_options eopt = plm_policy_engine_options(&o.policy);
	eopt.policy_dirs = dirs.items;
	eopt.policy_dir_count = dirs.count;
	eopt.report_unused_ignores = o.report_unused_ignores;
	char *engine_error = NULL;
	int erc = plm_engine_create(&eopt, &engine, &engine_error);
	plm_strvec_free(&dirs, 0);
	if (erc != 0) {
		fprintf(stderr, "plimsoll scan: %s\n",
			engine_error ? engine_error
				     : "cannot load the policies");
		plm_free(engine_error);
		goto out;
	}
	crc = plm_config_bind(configs, engine, &config_error);
	if (crc != 0) {
		goto config_failed;
	}
	/* Only now, with every input known, is anything opened for writing:
	 * a report must not overwrite what it reports on. */
	status = check_outputs(&o, project);
	if (status >= 0) {
		goto out;
	}
	status = PLM_EXIT_ERROR;
	for (size_t i = 0; i < o.output_count; i++) {
		if (plm_output_set_add(outs, o.outputs[i].format,
			    o.outputs[i].path, want_color(&o), err,
			    sizeof(err)) != 0) {
			fprintf(stderr, "plimsoll scan: %s\n", err);
			goto out;
		}
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_REALTIME, &t0);
	struct timespec m0, m1;
	clock_gettime(CLOCK_MONOTONIC, &m0);
	char start_time[64], end_time[64];
	iso_time(start_time, sizeof(start_time), &t0);
	char cwd[PATH_MAX + 2];
	if (getcwd(cwd, PATH_MAX) == NULL) {
		strcpy(cwd, "/");
	}
	if (cwd[strlen(cwd) - 1] != '/') {
		strcat(cwd, "/");
	}
	command_line = join_command_line(argc, argv);

	size_t rule_count = 0;
	const struct plm_rule_info *rules = plm_engine_rules(engine,
		&rule_count);
	if (o.docs_url != NULL) {
		if (plm_rules_docs_fill(&docs, rules, rule_count, o.docs_url) !=
			0) {
			goto oom;
		}
		rules = docs.rules;
	}
	struct plm_run_info run = {
		.tool_name = "plimsoll",
		.tool_version = plm_version(),
		.information_uri = PLM_HOMEPAGE[0] != '\0' ? PLM_HOMEPAGE
							   : NULL,
		.rules = rules,
		.rule_count = rule_count,
		.working_directory = cwd,
		.category = o.sarif_category,
		.source_root = source_root[0] != '\0' ? source_root : NULL,
		.command_line = command_line ? command_line : "plimsoll scan",
		.start_time_utc = start_time,
		.include_suppressed = o.include_suppressed,
	};
	em.outs = outs;
	em.o = &o;
	em.rc = plm_output_begin(outs, &run);
	struct plm_run_options ropt = {
		.engine = engine,
		.jobs = jobs,
		.fit_jobs = o.jobs <= 0,
		.rule = PLM_RUN_ALL_RULES,
		.configs = configs,
		.no_line_hashes = !plm_output_set_needs_line_hashes(outs),
	};
	struct plm_sink sink = {
		.result = emit,
		.progress = show_progress,
		.ctx = &em,
	};
	plm_progress_init(&em.progress, o.progress);
	struct plm_rule_profile *profile = NULL;
	if (o.profile) {
		profile = plm_calloc(rule_count ? rule_count : 1,
			sizeof(*profile));
		if (profile == NULL) {
			goto oom;
		}
		ropt.profile = profile;
	}
	struct plm_run_status rs;
	plm_run(project, &ropt, &sink, &rs);
	if (rs.config_error != NULL) {
		/* discover and bind read every file's: not reached */
		fprintf(stderr, "%s\n", rs.config_error);
		plm_free(rs.config_error);
		em.incomplete = true;
	}
	plm_progress_clear(&em.progress);
	if (rs.checker_error != NULL) {
		fprintf(stderr, "plimsoll scan: %s\n", rs.checker_error);
		plm_free(rs.checker_error);
		em.incomplete = true;
	}
	if (rs.out_of_memory || em.out_of_memory) {
		fputs("plimsoll scan: out of memory\n", stderr);
		em.incomplete = true;
	}
	/* An incomplete run still records what it found; the files that
	 * failed have no entries, which the warning says. */
	if (em.incomplete && em.recorder != NULL) {
		fprintf(stderr,
			"plimsoll scan: warning: the run was incomplete: %s "
			"has no entries for the files that failed\n",
			o.write_baseline);
	}
	if (em.recorder != NULL &&
		save_baseline(em.recorder, o.write_baseline) != 0) {
		em.incomplete = true;
	}
	em.sum.files_scanned = em.paths.count;
	em.sum.paths = em.paths.items;
	em.sum.path_count = em.paths.count;

	clock_gettime(CLOCK_REALTIME, &t1);
	clock_gettime(CLOCK_MONOTONIC, &m1);
	iso_time(end_time, sizeof(end_time), &t1);
	struct plm_run_summary *sum = &em.sum;
	sum->seconds = (double)(m1.tv_sec - m0.tv_sec) +
		(double)(m1.tv_nsec - m0.tv_nsec) / 1e9;
	sum->end_time_utc = end_time;
	sum->successful = !em.incomplete;
	/* The status as it stands; only a failure to write can change it. */
	int out_rc = em.rc;
	status = out_rc != 0 || em.incomplete ? PLM_EXIT_ERROR
		: em.fail                     ? PLM_EXIT_FINDINGS
					      : PLM_EXIT_CLEAN;
	sum->exit_code = status;
	sum->exit_code_known = out_rc == 0;
	int e = plm_output_end(outs, sum);
	out_rc = out_rc ? out_rc : e;
	if (profile != NULL) {
		print_profile(stderr, run.rules, profile, rule_count);
		plm_free(profile);
	}
	if (out_rc != 0) {
		fprintf(stderr,
			"plimsoll scan: writing the output failed: %s\n",
			plm_error_string(out_rc));
		status = PLM_EXIT_ERROR;
	}
	goto out;
config_failed:
	if (crc == PLM_EINVAL) {
		fprintf(stderr, "%s\n", config_error);
		plm_free(config_error);
		status = PLM_EXIT_ERROR;
		goto out;
	}
oom:
	fputs("plimsoll scan: out of memory\n", stderr);
	status = PLM_EXIT_ERROR;
out:
	plm_strvec_free(&em.paths, 1);
	plm_baseline_free(em.baseline);
	plm_baseline_writer_free(em.recorder);
	plm_project_destroy(project);
	plm_output_set_destroy(outs);
	plm_config_set_destroy(configs);
	plm_engine_destroy(engine);
	plm_rules_docs_free(&docs);
	plm_free(command_line);
	free_options(&o);
	return status;
}
