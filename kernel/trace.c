// SPDX-License-Identifier: GPL-2.0
/*
 * lvs's tracepoints (lvs_trace.h) are defined here, once for the module.
 */
#define CREATE_TRACE_POINTS
#include "lvs_trace.h"
