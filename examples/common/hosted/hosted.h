/* SPDX-License-Identifier: ISC */
/*
 * The hosted Solo5 platform under the OCaml examples: main.c plays the
 * tender (attaches the devices of the built-in manifest to host files) and
 * the other files implement the Solo5 API over those file descriptors.
 */
#ifndef MA_EXAMPLES_HOSTED_H
#define MA_EXAMPLES_HOSTED_H

#include <stdbool.h>

#include "mft_abi.h"
#include "solo5.h"

/*
 * The process's copy of the built-in MFT1 manifest, with b.hostfd and
 * attached filled in by main(); NULL before main() has run.
 */
extern struct mft *hosted_mft;

/* Per manifest entry: the net device has replayed its last frame. */
extern bool hosted_net_eof[MFT_MAX_ENTRIES];

/* The arguments left for the application (argv[0] first), NULL-terminated. */
extern char **hosted_argv;

/*
 * Return the attached entry HANDLE if it has TYPE, NULL otherwise. The
 * pointer is into hosted_mft.
 */
const struct mft_entry *hosted_device(solo5_handle_t handle, uint32_t type);

/* Find the attached device NAME of TYPE and store its handle in *HANDLE. */
solo5_result_t hosted_lookup(const char *name, uint32_t type, solo5_handle_t *handle);

#endif
