/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Logging of the supervisor (never of library code).  With --log FILE the
 * lines go there (text, or --log-format json: {"level","msg","time"}, one a
 * line: containerd and podman show users the last "level":"error" line);
 * errors and warnings also go to stderr as "kura: msg".
 */
#ifndef KURA_LOG_H
#define KURA_LOG_H

#include <stdbool.h>

int log_init(const char *path, bool json, bool debug); /* -1: the log cannot be opened */
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool log_debug_enabled(void);

#endif
