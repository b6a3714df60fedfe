// SPDX-License-Identifier: ISC
/* The MirageOS configuration artefacts of a build directory: filled by the config part. */
#include "audit/core/build.h"

/* filled by the config part */
void build_read_config(struct build *b)
{
}

/* filled by the config part */
void build_attribute_packages(struct build *b)
{
}
