/* Times cblas_sgemm (OpenBLAS) for the bench. Built by bench/peers/openblas.ts into bench/.cache/.
 * usage: openblas_sgemm MAX_TIME_S MIN_SAMPLES SINGLE_SHOT_S < cases
 * Each input line: "index m n k transA transB" (row-major C[m,n] = op(A)·op(B)).
 * Prints one JSON line: {"threads":N,"config":"...","rows":[{"i":index,"samplesMs":[...]}, ...]}.
 * Threads come from OPENBLAS_NUM_THREADS. */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_SAMPLES 10000

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct {
  int m, n, k, ta, tb;
  float *a, *b, *c;
} Gemm;

static void call(const Gemm *g) {
  cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans,
              g->m, g->n, g->k, 1.0f, g->a, g->ta ? g->m : g->k, g->b, g->tb ? g->k : g->n, 0.0f, g->c, g->n);
}

static float *filled(size_t count, unsigned seed) {
  float *p = aligned_alloc(64, ((count * sizeof(float) + 63) / 64) * 64);
  if (!p) return NULL;
  for (size_t i = 0; i < count; i++) {
    seed = seed * 1664525u + 1013904223u;
    p[i] = (float)seed / 2147483648.0f - 1.0f;
  }
  return p;
}

static double samples[MAX_SAMPLES];

/* Warm-up, then samples of `reps` calls each until both min_samples and max_time are reached. */
static int measure(const Gemm *g, double max_time, int min_samples, double single_shot) {
  double t0 = now();
  call(g);
  double pilot = now() - t0;
  if (pilot > single_shot) { samples[0] = pilot * 1e3; return 1; }
  if (pilot < 0.1) {
    double until = now() + fmin(max_time / 4, 1.0);
    while (now() < until) call(g);
  }
  if (pilot > 2) { /* slow calls: two more, timed directly */
    for (int i = 0; i < 2; i++) { t0 = now(); call(g); samples[i] = (now() - t0) * 1e3; }
    return 2;
  }
  t0 = now();
  call(g);
  double one = fmax(now() - t0, 1e-7);
  int reps = (int)ceil(0.02 / one);
  if (reps < 1) reps = 1;
  if (pilot > 0.3 && min_samples > 3) min_samples = 3;
  int n = 0;
  double start = now();
  while (n < MAX_SAMPLES && (n < min_samples || now() - start < max_time)) {
    t0 = now();
    for (int r = 0; r < reps; r++) call(g);
    samples[n++] = (now() - t0) / reps * 1e3;
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s MAX_TIME_S MIN_SAMPLES SINGLE_SHOT_S < cases\n", argv[0]); return 2; }
  double max_time = atof(argv[1]), single_shot = atof(argv[3]);
  int min_samples = atoi(argv[2]);
  printf("{\"threads\":%d,\"config\":\"%s\",\"rows\":[", openblas_get_num_threads(), openblas_get_config());
  int idx, first = 1;
  Gemm g;
  while (scanf("%d %d %d %d %d %d", &idx, &g.m, &g.n, &g.k, &g.ta, &g.tb) == 6) {
    g.a = filled((size_t)g.m * g.k, 1);
    g.b = filled((size_t)g.k * g.n, 2);
    g.c = filled((size_t)g.m * g.n, 3);
    if (!g.a || !g.b || !g.c) { fprintf(stderr, "out of memory for case %d\n", idx); return 1; }
    int n = measure(&g, max_time, min_samples, single_shot);
    printf("%s{\"i\":%d,\"samplesMs\":[", first ? "" : ",", idx);
    for (int s = 0; s < n; s++) printf("%s%.6g", s ? "," : "", samples[s]);
    printf("]}");
    first = 0;
    fflush(stdout);
    free(g.a); free(g.b); free(g.c);
  }
  printf("]}\n");
  return 0;
}
