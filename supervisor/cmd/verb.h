/* SPDX-License-Identifier: Apache-2.0 */
/* Flag parsing shared by the verbs that take only an id. */
#ifndef KURA_VERB_H
#define KURA_VERB_H

/* `VERB [--help] ID`: *id set; -1 after log_error on bad usage. */
int verb_simple_args(const char *verb, int argc, char **argv, const char **id);

#endif
