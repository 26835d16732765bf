/*
 * limits.c - platform limits of a catalog entry, checked (see limits.h).
 *
 * Each check is one small function returning 1 with a message that names
 * the value, the entry, the limit and the limit's source and date; the
 * caller adds the JSON path.  Effective values are checked, not only what
 * the scenario wrote: an absent vcpus is the platform's default share
 * (spec_instance_shape), an absent timeout_s the default timeout, and a
 * timeout_s of 0 (no timeout) is beyond any platform that has a maximum.
 */
#include "limits.h"

#include <math.h>
#include <stdio.h>
#include <string.h>


/* Fills *v: "<what> is beyond the limit of <id>: <limit> (<source>,
 * <date>); ...". */
static int violation(LimitViolation *v, const char *key, const PriceEntry *p,
                     const char *what, const char *limit)
{
    const PriceLimits *l = &p->limits;
    const char *src = l->source[0] ? l->source : p->source;
    const char *date = l->source[0] ? l->date : p->date;
    v->key = key;
    snprintf(v->msg, sizeof v->msg,
             "%s is beyond the limit of %s: %s (%s, %s); \"beyond_limits\": "
             "true runs it anyway",
             what, p->id, limit, src, date);
    return 1;
}

/* "128 to 10240 MB in 1 MB steps", "at most 1536 MB", ... */
static void memory_range(const PriceLimits *l, char *out, size_t size)
{
    int n;
    if (l->min_memory_mb > 0 && l->max_memory_mb > 0)
        n = snprintf(out, size, "%d to %d MB", l->min_memory_mb,
                     l->max_memory_mb);
    else if (l->max_memory_mb > 0)
        n = snprintf(out, size, "at most %d MB", l->max_memory_mb);
    else
        n = snprintf(out, size, "at least %d MB", l->min_memory_mb);
    if (l->memory_increment_mb > 0 && n > 0 && (size_t)n < size)
        snprintf(out + n, size - (size_t)n, " in %d MB steps",
                 l->memory_increment_mb);
}

static int check_memory(const AltSpec *a, LimitViolation *v)
{
    const PriceLimits *l = &a->price.limits;
    int mb = a->memory_mb;
    int out_of_range = (l->min_memory_mb > 0 && mb < l->min_memory_mb) ||
                       (l->max_memory_mb > 0 && mb > l->max_memory_mb);
    int off_step = l->memory_increment_mb > 1 &&
                   (mb - l->min_memory_mb) % l->memory_increment_mb != 0;
    if (!out_of_range && !off_step)
        return 0;
    char what[64], limit[128];
    snprintf(what, sizeof what, "%d MB", mb);
    memory_range(l, limit, sizeof limit);
    return violation(v, "memory_mb", &a->price, what, limit);
}

static int check_vcpus(const AltSpec *a, LimitViolation *v)
{
    const PriceLimits *l = &a->price.limits;
    double vc = spec_instance_shape(a).vcpus;
    char what[96], limit[160];
    snprintf(what, sizeof what, "%g vCPU%s at %d MB", vc,
             a->vcpus > 0 ? "" : " (the default)", a->memory_mb);
    if (l->max_vcpus > 0 && vc > l->max_vcpus) {
        snprintf(limit, sizeof limit, "at most %g vCPUs", l->max_vcpus);
        return violation(v, "vcpus", &a->price, what, limit);
    }
    if (l->min_vcpus > 0 && vc < l->min_vcpus) {
        snprintf(limit, sizeof limit, "at least %g vCPUs", l->min_vcpus);
        return violation(v, "vcpus", &a->price, what, limit);
    }
    if (l->mb_per_vcpu > 0 && vc > a->memory_mb / l->mb_per_vcpu * 1.000001) {
        snprintf(limit, sizeof limit,
                 "CPU comes with memory, 1 vCPU per %g MB (%.3g vCPU at "
                 "%d MB)",
                 l->mb_per_vcpu, a->memory_mb / l->mb_per_vcpu, a->memory_mb);
        return violation(v, "vcpus", &a->price, what, limit);
    }
    for (int i = l->n_vcpu_rules - 1; i >= 0; i--) {
        if (a->memory_mb <= l->rule_above_mb[i])
            continue;
        if (vc < l->rule_min_vcpus[i]) {
            snprintf(limit, sizeof limit,
                     "more than %d MB needs at least %g vCPUs",
                     l->rule_above_mb[i], l->rule_min_vcpus[i]);
            return violation(v, "vcpus", &a->price, what, limit);
        }
        break; /* the highest rule that applies decides */
    }
    return 0;
}

static int check_concurrency(const AltSpec *a, LimitViolation *v)
{
    const PriceLimits *l = &a->price.limits;
    if (l->max_concurrency <= 0 || a->concurrency <= l->max_concurrency)
        return 0;
    char what[64], limit[64];
    snprintf(what, sizeof what, "%d requests per instance", a->concurrency);
    snprintf(limit, sizeof limit, "at most %d per instance",
             l->max_concurrency);
    return violation(v, "concurrency", &a->price, what, limit);
}

static int check_timeout(const AltSpec *a, LimitViolation *v)
{
    const PriceLimits *l = &a->price.limits;
    if (l->max_timeout_s <= 0 ||
        (a->timeout_s > 0 && a->timeout_s <= l->max_timeout_s))
        return 0;
    char what[64], limit[64];
    if (a->timeout_s > 0)
        snprintf(what, sizeof what, "%g s", a->timeout_s);
    else
        snprintf(what, sizeof what, "0 (no timeout)");
    snprintf(limit, sizeof limit, "a timeout of at most %g s",
             l->max_timeout_s);
    return violation(v, "timeout_s", &a->price, what, limit);
}

/* What one GPU must hold: under the llm executor its share of the weights
 * (weights / tp) and the activation reserve, the KV cache taking what is
 * left; under the others the whole resident model (memory_mb), as one
 * request runs on one GPU. */
static double gpu_resident_mb(ExecKind k, const LlmExecSpec *sp,
                              double model_mb)
{
    if (k != EXEC_LLM)
        return model_mb;
    return (sp->shape.weights_bytes / sp->tp + sp->activation_reserve_bytes) /
           (1024.0 * 1024.0);
}

/* The model on one GPU of `p` (GPU classes only: "gpu-..."). */
static int check_gpu_memory(const PriceEntry *p, const char *hw_class,
                            ExecKind k, const LlmExecSpec *sp,
                            double model_mb, const char *key,
                            LimitViolation *v)
{
    double mb = gpu_resident_mb(k, sp, model_mb);
    if (p->gpus <= 0 || p->gpu_memory_gb <= 0 ||
        strncmp(hw_class, "gpu", 3) != 0 || mb <= p->gpu_memory_gb * 1024)
        return 0;
    char what[128], limit[64];
    if (k == EXEC_LLM)
        snprintf(what, sizeof what,
                 "%.0f MB per GPU resident (weights / tp %d + activation "
                 "reserve)",
                 mb, sp->tp);
    else
        snprintf(what, sizeof what, "a model of %g MB resident", mb);
    snprintf(limit, sizeof limit, "%g GB of memory per GPU",
             p->gpu_memory_gb);
    return violation(v, key, p, what, limit);
}

/* Memory sizes a per-GHz-s entry prices: one of its table's. */
static int check_memory_choice(const AltSpec *a, LimitViolation *v)
{
    const PriceEntry *p = &a->price;
    if (p->n_ghz == 0 || pricing_cpu_ghz(p, a->memory_mb) > 0)
        return 0;
    char what[64], limit[256];
    int n = snprintf(limit, sizeof limit, "one of");
    for (int i = 0; i < p->n_ghz && n > 0 && (size_t)n < sizeof limit; i++)
        n += snprintf(limit + n, sizeof limit - (size_t)n, "%s %d", i ? "," : "",
                      p->ghz_memory_mb[i]);
    if (n > 0 && (size_t)n < sizeof limit)
        snprintf(limit + n, sizeof limit - (size_t)n, " MB");
    snprintf(what, sizeof what, "%d MB", a->memory_mb);
    return violation(v, "memory_mb", p, what, limit);
}

static int check_max_instances(const AltSpec *a, LimitViolation *v)
{
    const PriceLimits *l = &a->price.limits;
    if (l->max_instances <= 0 ||
        (a->max_instances > 0 && a->max_instances <= l->max_instances))
        return 0;
    char what[64], limit[64];
    if (a->max_instances > 0)
        snprintf(what, sizeof what, "%d instances", a->max_instances);
    else
        snprintf(what, sizeof what, "0 (unlimited instances)");
    snprintf(limit, sizeof limit, "at most %d instances (concurrency)",
             l->max_instances);
    return violation(v, "max_instances", &a->price, what, limit);
}

/* A GPU hardware class on a CPU-only entry. */
static int check_cpu_only(const AltSpec *a, LimitViolation *v)
{
    if (!a->price.limits.cpu_only || strncmp(a->hardware, "gpu", 3) != 0)
        return 0;
    char what[64];
    snprintf(what, sizeof what, "hardware class %s", a->hardware);
    return violation(v, "hardware", &a->price, what, "CPU only (no GPUs)");
}

int limits_check_serverless(const AltSpec *a, LimitViolation *v)
{
    return check_memory(a, v) || check_memory_choice(a, v) ||
           check_max_instances(a, v) || check_cpu_only(a, v) ||
           check_vcpus(a, v) ||
           check_concurrency(a, v) || check_timeout(a, v) ||
           check_gpu_memory(&a->price, a->hardware, a->executor, &a->llm,
                            a->model_memory_mb, "pricing", v);
}

int limits_check_vm(const VmSpec *vm, const char *hw_class,
                    double model_memory_mb, LimitViolation *v)
{
    return check_gpu_memory(&vm->type, hw_class, vm->executor, &vm->llm,
                            model_memory_mb, "instance_type", v);
}

/* The deployment package against entry `p`: a zip's unzipped size
 * against max_zip_mb, an image against max_image_mb. */
static int check_package(const AddonSpec *ad, const PriceEntry *p,
                         LimitViolation *v)
{
    const PriceLimits *l = &p->limits;
    double max_mb = ad->package_zip ? l->max_zip_mb : l->max_image_mb;
    if (!(max_mb > 0) || ad->package_mb <= max_mb)
        return 0;
    char what[96], limit[96];
    snprintf(what, sizeof what, "a %s of %g MB", ad->package_zip ? "zip package"
                                                                 : "container image",
             ad->package_mb);
    snprintf(limit, sizeof limit, "%s of at most %g MB",
             ad->package_zip ? "a zip package (unzipped)" : "a container image",
             max_mb);
    return violation(v, "package", p, what, limit);
}

/* Request and response payloads against entry `p`'s limits. */
static int check_payload(const AddonSpec *ad, const PriceEntry *p,
                         LimitViolation *v)
{
    const PriceLimits *l = &p->limits;
    char what[64], limit[64];
    if (l->max_request_kb > 0 && ad->request_kb > l->max_request_kb) {
        snprintf(what, sizeof what, "a request of %g KB", ad->request_kb);
        snprintf(limit, sizeof limit, "requests of at most %g KB",
                 l->max_request_kb);
        return violation(v, "payload", p, what, limit);
    }
    if (l->max_response_kb > 0 && ad->response_kb > l->max_response_kb) {
        snprintf(what, sizeof what, "a response of %g KB", ad->response_kb);
        snprintf(limit, sizeof limit, "responses of at most %g KB",
                 l->max_response_kb);
        return violation(v, "payload", p, what, limit);
    }
    return 0;
}

int limits_check_addon(const AddonSpec *ad, const PriceEntry *p,
                       LimitViolation *v)
{
    if (check_package(ad, p, v) || check_payload(ad, p, v))
        return 1;
    return ad->gateway && check_payload(ad, &ad->gw, v);
}

/* A task size (Fargate): vCPUs one of the table's, memory within that
 * size's range and on its steps. */
static int check_task(const VmSpec *vm, LimitViolation *v)
{
    const PriceLimits *l = &vm->type.limits;
    if (!vm->type.task_priced || l->n_task_sizes == 0)
        return 0;
    double vc = vm->type.vcpus, gb = vm->type.memory_gb;
    char what[64], limit[160];
    snprintf(what, sizeof what, "%g vCPU with %g GB", vc, gb);
    for (int i = 0; i < l->n_task_sizes; i++) {
        if (l->task_vcpus[i] != vc)
            continue;
        double k = (gb - l->task_min_gb[i]) / l->task_step_gb[i];
        if (gb >= l->task_min_gb[i] && gb <= l->task_max_gb[i] &&
            fabs(k - floor(k + 0.5)) < 1e-9)
            return 0;
        snprintf(limit, sizeof limit, "%g vCPU takes %g to %g GB in %g GB "
                 "steps",
                 vc, l->task_min_gb[i], l->task_max_gb[i], l->task_step_gb[i]);
        return violation(v, "task", &vm->type, what, limit);
    }
    int n = snprintf(limit, sizeof limit, "vCPUs one of");
    for (int i = 0; i < l->n_task_sizes && n > 0 && (size_t)n < sizeof limit;
         i++)
        n += snprintf(limit + n, sizeof limit - (size_t)n, "%s %g",
                      i ? "," : "", l->task_vcpus[i]);
    return violation(v, "task", &vm->type, what, limit);
}

/* A fleet that cannot scale below min_instances (Vertex AI). */
static int check_min_fleet(const VmSpec *vm, LimitViolation *v)
{
    int mn = vm->type.limits.min_instances;
    int lowest = vm->as.enabled ? vm->as.min_vms : vm->count;
    if (mn <= 0 || lowest >= mn)
        return 0;
    char what[64], limit[64];
    snprintf(what, sizeof what, "a fleet of %d", lowest);
    snprintf(limit, sizeof limit, "at least %d replica%s", mn,
             mn == 1 ? "" : "s");
    return violation(v, vm->as.enabled ? "autoscale" : "count", &vm->type,
                     what, limit);
}

int limits_check_fleet(const VmSpec *vm, LimitViolation *v)
{
    return check_task(vm, v) || check_min_fleet(vm, v);
}

double limits_default_timeout_s(const PriceEntry *p)
{
    double max_s = p->limits.max_timeout_s;
    return max_s > 0 && max_s < 900 ? max_s : 900;
}

/* ---- size bounds ------------------------------------------------------ */

/* The largest of a workload's contributions to the expected work. */
typedef struct Work {
    double total;     /* expected arrivals (or candidates) per replication */
    double top;       /* the largest contribution */
    char key[64];     /* and its key */
    double rate;      /* its rate, per second (0: not a rate) */
} Work;

static void work_add(Work *w, const char *key, double rate, double amount)
{
    w->total += amount;
    if (amount > w->top || w->key[0] == '\0') {
        w->top = amount;
        w->rate = rate;
        snprintf(w->key, sizeof w->key, "%s", key);
    }
}

int limits_check_arrivals(const WorkloadSpec *wl, double horizon_s,
                          int replications, LimitViolation *v)
{
    double end = wl->end_s > 0 && wl->end_s < horizon_s ? wl->end_s
                                                        : horizon_s;
    double span = end - wl->start_s;
    Work w = {0};
    if (!(span > 0))
        return 0;
    if (strcmp(wl->type, "poisson") == 0 || strcmp(wl->type, "constant") == 0)
        work_add(&w, "rate_per_s", wl->rate_per_s, wl->rate_per_s * span);
    else if (strcmp(wl->type, "diurnal") == 0) /* thinning at the peak */
        work_add(&w, "rate_per_s", wl->rate_per_s * (1 + wl->amplitude),
                 wl->rate_per_s * (1 + wl->amplitude) * span);
    else if (strcmp(wl->type, "mmpp") == 0) {
        double cycle = wl->mean_on_s + wl->mean_off_s;
        work_add(&w, "rate_on_per_s", wl->rate_on_per_s,
                 wl->rate_on_per_s * wl->mean_on_s / cycle * span);
        work_add(&w, "rate_off_per_s", wl->rate_off_per_s,
                 wl->rate_off_per_s * wl->mean_off_s / cycle * span);
        work_add(&w, "mean_on_s", 0, 2 * span / cycle); /* state changes */
    } else if (strcmp(wl->type, "steps") == 0) {
        for (int i = 0; i < wl->n_steps; i++) {
            double a = fmax(wl->step_at_s[i], wl->start_s);
            double b = i + 1 < wl->n_steps ? fmin(wl->step_at_s[i + 1], end)
                                           : end;
            char key[64];
            snprintf(key, sizeof key, "steps[%d].rate_per_s", i);
            work_add(&w, key, wl->step_rate[i],
                     b > a ? wl->step_rate[i] * (b - a) : 0);
        }
    } else {
        return 0; /* traces: bound by their files */
    }
    double expected = w.total * replications;
    if (!(expected > LIMITS_MAX_RUN_ARRIVALS))
        return 0;
    char what[160];
    if (w.rate > 0)
        snprintf(what, sizeof what, "%g per s", w.rate);
    else
        snprintf(what, sizeof what, "%g state changes per s",
                 2 / (wl->mean_on_s + wl->mean_off_s));
    v->key = "workload";
    snprintf(v->msg, sizeof v->msg,
             "%s: %s over %g s x %d replication%s is %.3g expected %s; "
             "at most %.0e per run (about 4 minutes of simulation at 4 M "
             "requests/s)",
             w.key, what, span, replications, replications == 1 ? "" : "s",
             expected, w.rate > 0 ? "arrivals" : "events",
             LIMITS_MAX_RUN_ARRIVALS);
    return 1;
}

double limits_sweep_bytes(double n_points, double point_bytes, double cells,
                          int n_alt)
{
    return n_points * point_bytes +
           cells * (LIMITS_SWEEP_CELL_BYTES +
                    (double)n_alt * LIMITS_SWEEP_ROW_BYTES);
}
