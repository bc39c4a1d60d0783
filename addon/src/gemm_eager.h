// The pool entry point behind the GEMM's small-problem path (defined in pool.cc next to poolRun).
#pragma once
#include "pool.h"

namespace gu {

/**
 * Like poolRun, but the caller (tid 0) does not wait for workers that have not started: task
 * runs on the caller and on each worker that joins before the caller's own call returns; the
 * rest skip this job. So task must hand out its work dynamically (each participant claims
 * pieces until none are left), and a sleeping or descheduled worker then costs nothing,
 * where poolRun would wait for it. The tids that run are distinct and < nthreads. With
 * wakeSleepers false only workers still spinning after their last job may join: a job of a
 * few µs is not worth a futex wake-up.
 */
void poolRunEager(int nthreads, PoolTask task, void* ctx, bool wakeSleepers);

}  // namespace gu
