/*
 * kubernetes/kubernetes.h - the Kubernetes front end: manifests to the
 * model (docs/model.md).
 */
#ifndef PLM_KUBERNETES_KUBERNETES_H
#define PLM_KUBERNETES_KUBERNETES_H

#include "plimsoll/error.h"
#include "model/document.h"

/* Builds doc from doc->sources[0], a Kubernetes manifest (a YAML stream,
 * read with YAML 1.1 scalar types as sigs.k8s.io/yaml does): doc->tree is a
 * sequence of the stream's documents, doc->containers one record per
 * container, init container and ephemeral container of each workload (Pod,
 * Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
 * Job, CronJob, PodTemplate, and the items of a List), with the pod's
 * securityContext folded in by the API's precedence. Other kinds stay in
 * the tree. Returns 0 or PLM_ENOMEM; problems in the input are
 * diagnostics. */
PLM_NODISCARD int plm_kubernetes_build(struct plm_doc *doc);

/* For a file whose name does not tell its kind: loads doc->sources[0] as
 * plm_kubernetes_build does and, when one of its documents is a mapping
 * with both an `apiVersion` and a `kind` key, builds the model from that
 * same parse and sets *is. Otherwise *is is false and doc holds only the
 * parse (the caller decides the kind another way). Returns 0 or
 * PLM_ENOMEM. */
PLM_NODISCARD int plm_kubernetes_build_probe(struct plm_doc *doc, bool *is);

#endif
