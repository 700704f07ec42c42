/*
 * model/quantity.h - resource quantities: Kubernetes (`500m`, `1.5Gi`,
 * `2e3`) and Docker/Compose byte sizes (`512m`, `1g`), as integers.
 */
#ifndef PLM_MODEL_QUANTITY_H
#define PLM_MODEL_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A Kubernetes quantity: digits with an optional fraction, then an optional
 * decimal exponent (e3) or suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi,
 * Ei). The value times `unit` (1000 for CPU millicores, 1 for bytes) is
 * rounded up, as the API server does, into *out. False when the text is not
 * a quantity or the value is negative or does not fit in 63 bits. */
bool plm_quantity_kube(const char *s, size_t len, int64_t unit, int64_t *out);

/* A Docker byte size: a number with an optional b, k, m or g (any case,
 * powers of 1024, an optional trailing b as in `512mb`). False as above. */
bool plm_quantity_docker_bytes(const char *s, size_t len, int64_t *out);

#endif
