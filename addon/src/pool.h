// A persistent pool of std::threads sized to the cores the process may use
// (GROUNDUP_THREADS overrides). The kernels see only plain function pointers, so that
// the AVX2 translation units never instantiate std templates shared with baseline code.
#pragma once

namespace gu {

/** fn(ctx, tid, nthreads) runs once on each of nthreads threads; the caller is tid 0. */
using PoolTask = void (*)(void* ctx, int tid, int nthreads);

/** Threads the kernels may use (≥ 1). */
int poolThreads();
/** Changes the thread count (clamped to [1, 64]); the pool grows or shrinks on the next run. */
void setPoolThreads(int n);
/**
 * Runs task on min(nthreads, poolThreads()) threads and returns when all have finished. With
 * one thread it simply calls task (allowed inside a task); a multi-threaded run inside a task
 * would deadlock.
 */
void poolRun(int nthreads, PoolTask task, void* ctx);
/** Joins the workers (at exit). */
void poolShutdown();

}  // namespace gu
