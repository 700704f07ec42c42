/*
 * tests/kubernetes/test_kubernetes.c - workloads to container records:
 * each workload kind, Lists, roles, securityContext precedence, legacy
 * annotations, host namespaces, volumes joined to mounts, spans.
 */
#include "../yaml/helpers.h"

#include <time.h>

#include "kubernetes/kubernetes.h"

static struct plm_doc *build(const char *text)
{
	struct plm_doc *doc = doc_from("k.yaml", text, PLM_KIND_KUBERNETES);
	assert_int_equal(plm_kubernetes_build(doc), 0);
	return doc;
}

static size_t count_code(const struct plm_doc *doc, const char *code)
{
	size_t n = 0;
	for (size_t i = 0; i < doc->diag_count; i++) {
		n += strcmp(doc->diags[i].code, code) == 0;
	}
	return n;
}

static const char pod_spec[] = "      containers:\n"
			       "      - name: app\n"
			       "        image: nginx\n";

static void check_kind(const char *kind, const char *prefix,
	const char *indent_spec)
{
	char text[2048];
	/* re-indent the pod spec under the workload's path */
	char spec[512] = "";
	const char *p = pod_spec;
	while (*p) {
		const char *nl = strchr(p, '\n');
		strcat(spec, indent_spec);
		strncat(spec, p + 6, (size_t)(nl - p - 6) + 1);
		p = nl + 1;
	}
	snprintf(text, sizeof(text),
		"apiVersion: v1\nkind: %s\nmetadata: {name: w, namespace: ns}\n%s%s",
		kind, prefix, spec);
	struct plm_doc *doc = build(text);
	assert_int_equal(plm_node_count(doc->containers), 1);
	struct plm_node *c = at(doc->containers, "0");
	assert_string_equal(str_at(c, "name"), "app");
	assert_string_equal(str_at(c, "origin"), "kubernetes");
	assert_string_equal(str_at(c, "role"), "container");
	assert_string_equal(str_at(c, "workload.kind"), kind);
	assert_string_equal(str_at(c, "workload.name"), "w");
	assert_string_equal(str_at(c, "workload.namespace"), "ns");
	assert_string_equal(str_at(c, "image.text"), "nginx");
	assert_string_equal(str_at(c, "image.repository"), "nginx");
	assert_string_equal(str_at(c, "image.registry"), "docker.io");
	assert_true(at(c, "image.registry")->flags & PLM_NODE_IMPLICIT);
	plm_doc_destroy(doc);
}

static void pod_yields_its_containers(void **state)
{
	(void)state;
	check_kind("Pod", "spec:\n", "  ");
}

static void deployment_yields_template_containers(void **state)
{
	(void)state;
	check_kind("Deployment", "spec:\n  template:\n    spec:\n", "      ");
}

static void statefulset_yields_template_containers(void **state)
{
	(void)state;
	check_kind("StatefulSet", "spec:\n  template:\n    spec:\n", "      ");
}

static void daemonset_yields_template_containers(void **state)
{
	(void)state;
	check_kind("DaemonSet", "spec:\n  template:\n    spec:\n", "      ");
}

static void replicaset_yields_template_containers(void **state)
{
	(void)state;
	check_kind("ReplicaSet", "spec:\n  template:\n    spec:\n", "      ");
}

static void replicationcontroller_yields_template_containers(void **state)
{
	(void)state;
	check_kind("ReplicationController", "spec:\n  template:\n    spec:\n",
		"      ");
}

static void job_yields_template_containers(void **state)
{
	(void)state;
	check_kind("Job", "spec:\n  template:\n    spec:\n", "      ");
}

static void cronjob_yields_job_template_containers(void **state)
{
	(void)state;
	check_kind("CronJob",
		"spec:\n  jobTemplate:\n    spec:\n"
		"      template:\n        spec:\n",
		"          ");
}

static void podtemplate_yields_template_containers(void **state)
{
	(void)state;
	check_kind("PodTemplate", "template:\n  spec:\n", "    ");
}

/* Custom resources are read by the shape of their pod templates. */
static void rollout_knative_deploymentconfig_by_template(void **state)
{
	(void)state;
	check_kind("Rollout", "spec:\n  template:\n    spec:\n", "      ");
	check_kind("DeploymentConfig", "spec:\n  template:\n    spec:\n",
		"      ");
	/* Knative Service: spec.template.spec.containers too */
	check_kind("Service.serving", "spec:\n  template:\n    spec:\n",
		"      ");
}

static void scaledjob_and_replica_specs_by_template(void **state)
{
	(void)state;
	check_kind("ScaledJob",
		"spec:\n  jobTargetRef:\n    template:\n"
		"      spec:\n",
		"        ");
	check_kind("CronWorkflowLike",
		"spec:\n  jobTemplate:\n    spec:\n"
		"      template:\n        spec:\n",
		"          ");
	struct plm_doc *doc = build(
		"apiVersion: kubeflow.org/v1\nkind: PyTorchJob\n"
		"metadata: {name: p}\nspec:\n  pytorchReplicaSpecs:\n"
		"    Master:\n      template:\n        spec:\n"
		"          securityContext: {runAsUser: 1000}\n"
		"          containers: [{name: m, image: torch}]\n"
		"    Worker:\n      template:\n        spec:\n"
		"          containers: [{name: w, image: torch}]\n");
	assert_int_equal(plm_node_count(doc->containers), 2);
	assert_string_equal(str_at(doc->containers, "0.name"), "m");
	assert_int_equal(at(doc->containers, "0.user.uid")->as.integer, 1000);
	assert_string_equal(str_at(doc->containers, "1.name"), "w");
	assert_string_equal(str_at(doc->containers, "1.workload.kind"),
		"PyTorchJob");
	plm_doc_destroy(doc);
}

static void argo_templates_and_tekton_steps(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: argoproj.io/v1alpha1\nkind: Workflow\n"
		"metadata: {name: wf}\nspec:\n"
		"  securityContext: {runAsNonRoot: true}\n"
		"  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n"
		"  templates:\n"
		"  - name: main\n    steps: [[{name: a, template: build}]]\n"
		"  - name: build\n    container:\n      image: docker:cli\n"
		"      volumeMounts: [{name: s, mountPath: /var/run/docker.sock}]\n"
		"  - name: py\n    script: {image: python, source: 'print(1)'}\n"
		"    sidecars: [{name: side, image: redis}]\n"
		"---\n"
		"apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: pl}\n"
		"spec:\n  tasks:\n  - name: t\n    taskSpec:\n      steps:\n"
		"      - {name: compile, image: golang}\n"
		"      sidecars: [{name: db, image: postgres}]\n");
	assert_int_equal(plm_node_count(doc->containers), 5);
	struct plm_node *c = at(doc->containers, "0");
	assert_string_equal(str_at(c, "name"), "build"); /* the template's */
	assert_string_equal(str_at(c, "workload.kind"), "Workflow");
	assert_true(at(c, "run_as_non_root")->as.boolean);
	assert_string_equal(str_at(c, "mounts.0.kind"), "hostPath");
	assert_string_equal(str_at(c, "mounts.0.source"),
		"/var/run/docker.sock");
	assert_string_equal(str_at(doc->containers, "1.name"), "py");
	assert_string_equal(str_at(doc->containers, "2.name"), "side");
	assert_string_equal(str_at(doc->containers, "3.name"), "compile");
	assert_string_equal(str_at(doc->containers, "3.workload.kind"),
		"Pipeline");
	assert_string_equal(str_at(doc->containers, "4.image.text"),
		"postgres");
	plm_doc_destroy(doc);
}

/* Kinds with no pod template are neither errors nor containers, and an
 * Argo step list is not a container list. */
static void kinds_without_pod_templates_are_quiet(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: x}\n"
		"spec:\n  template: {spec: {replicas: 3}}\n"
		"  steps: [[{name: a, template: b}]]\n  containers: [{name: c, image: d}]\n");
	assert_int_equal(plm_node_count(doc->containers), 0);
	assert_int_equal(doc->diag_count, 0);
	plm_doc_destroy(doc);
}

static void list_items_and_other_kinds(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: List\nitems:\n"
		"- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n"
		"  spec: {containers: [{name: x, image: i}]}\n"
		"- apiVersion: v1\n  kind: Service\n  metadata: {name: s}\n"
		"- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n"
		"  spec: {template: {spec: {containers: [{name: y}]}}}\n"
		"---\napiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n");
	assert_int_equal(plm_node_count(doc->tree), 2);
	assert_int_equal(plm_node_count(doc->containers), 2);
	assert_string_equal(str_at(doc->containers, "0.workload.name"), "a");
	assert_string_equal(str_at(doc->containers, "1.workload.kind"),
		"Deployment");
	plm_doc_destroy(doc);
}

static void init_sidecar_and_ephemeral_containers_have_roles(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"kind: Pod\napiVersion: v1\nmetadata: {name: p}\nspec:\n"
		"  containers: [{name: main}]\n"
		"  initContainers: [{name: init}, {name: side, restartPolicy: Always}]\n"
		"  ephemeralContainers: [{name: debug}]\n");
	assert_int_equal(plm_node_count(doc->containers), 4);
	assert_string_equal(str_at(doc->containers, "0.role"), "init");
	assert_string_equal(str_at(doc->containers, "1.name"), "side");
	assert_string_equal(str_at(doc->containers, "1.role"), "init");
	assert_string_equal(str_at(doc->containers, "2.role"), "container");
	assert_string_equal(str_at(doc->containers, "3.role"), "ephemeral");
	plm_doc_destroy(doc);
}

static const char precedence_pod[] =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	"  securityContext:\n"
	"    runAsUser: 0\n" /* line 6 */
	"    runAsGroup: 10\n"
	"    runAsNonRoot: false\n"
	"    fsGroup: 5\n"
	"    seLinuxOptions: {level: \"s0:c1\"}\n"
	"    privileged: true\n" /* not a pod field: ignored */
	"  containers:\n"
	"  - name: own\n" /* line 13 */
	"    securityContext:\n"
	"      runAsUser: 1000\n"
	"      runAsNonRoot: true\n"
	"  - name: inherits\n"; /* line 17 */

static void container_security_context_wins_over_pod(void **state)
{
	(void)state;
	struct plm_doc *doc = build(precedence_pod);
	struct plm_node *c = at(doc->containers, "0");
	assert_int_equal(at(c, "user.uid")->as.integer, 1000);
	assert_false(at(c, "user.uid")->flags & PLM_NODE_INHERITED);
	assert_false(at(c, "user.root")->as.boolean);
	assert_string_equal(str_at(c, "user.text"), "1000");
	assert_true(at(c, "run_as_non_root")->as.boolean);
	assert_int_equal(line_of(doc, at(c, "run_as_non_root")->span), 16);
	/* runAsGroup is not set on the container: the pod's */
	assert_int_equal(at(c, "user.gid")->as.integer, 10);
	assert_true(at(c, "user.gid")->flags & PLM_NODE_INHERITED);
	plm_doc_destroy(doc);
}

static void pod_security_context_is_inherited_and_flagged(void **state)
{
	(void)state;
	struct plm_doc *doc = build(precedence_pod);
	struct plm_node *c = at(doc->containers, "1");
	struct plm_node *uid = at(c, "user.uid");
	assert_int_equal(uid->as.integer, 0);
	assert_true(uid->flags & PLM_NODE_INHERITED);
	assert_int_equal(line_of(doc, uid->span), 6);
	assert_true(at(c, "user.root")->as.boolean);
	assert_false(at(c, "run_as_non_root")->as.boolean);
	assert_true(at(c, "run_as_non_root")->flags & PLM_NODE_INHERITED);
	assert_string_equal(str_at(c, "selinux.level"), "s0:c1");
	assert_true(at(c, "selinux")->flags & PLM_NODE_INHERITED);
	plm_doc_destroy(doc);
}

static void container_only_fields_are_not_inherited(void **state)
{
	(void)state;
	struct plm_doc *doc = build(precedence_pod);
	struct plm_node *c = at(doc->containers, "1");
	struct plm_node *priv = at(c, "privileged");
	assert_int_equal(priv->kind, PLM_NODE_NULL);
	assert_true(priv->flags & PLM_NODE_IMPLICIT);
	/* a field not written points at the container's `name:` */
	assert_int_equal(line_of(doc, priv->span), 17);
	assert_string_equal(span_text(doc, priv->span), "name: inherits");
	assert_true(at(c, "read_only_rootfs")->flags & PLM_NODE_IMPLICIT);
	assert_true(
		at(c, "allow_privilege_escalation")->flags & PLM_NODE_IMPLICIT);
	plm_doc_destroy(doc);
}

static void container_only_fields_are_read(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  containers:\n  - name: c\n    securityContext:\n"
		"      privileged: yes\n"
		"      allowPrivilegeEscalation: false\n"
		"      readOnlyRootFilesystem: true\n"
		"      procMount: Unmasked\n"
		"      capabilities: {add: [NET_ADMIN, cap_sys_time], drop: [all]}\n");
	struct plm_node *c = at(doc->containers, "0");
	/* YAML 1.1: yes is true */
	assert_true(at(c, "privileged")->as.boolean);
	assert_false(at(c, "allow_privilege_escalation")->as.boolean);
	assert_true(at(c, "read_only_rootfs")->as.boolean);
	assert_string_equal(str_at(c, "capabilities.add.0"), "NET_ADMIN");
	assert_string_equal(str_at(c, "capabilities.add.1"), "SYS_TIME");
	assert_string_equal(str_at(c, "capabilities.drop.0"), "ALL");
	plm_doc_destroy(doc);
}

static void seccomp_and_apparmor_fields_and_precedence(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  securityContext:\n"
		"    seccompProfile: {type: RuntimeDefault}\n" /* line 6 */
		"    appArmorProfile: {type: Unconfined}\n"
		"  containers:\n"
		"  - name: a\n"
		"    securityContext:\n"
		"      seccompProfile: {type: Localhost, localhostProfile: p.json}\n"
		"      appArmorProfile: {type: RuntimeDefault}\n" /* line 12 */
		"  - name: b\n");
	struct plm_node *cs = doc->containers;
	assert_string_equal(str_at(cs, "0.seccomp.type"), "Localhost");
	assert_string_equal(str_at(cs, "0.seccomp.profile"), "p.json");
	assert_string_equal(str_at(cs, "0.seccomp.from"), "container");
	assert_int_equal(line_of(doc, at(cs, "0.seccomp")->span), 11);
	assert_string_equal(span_text(doc, at(cs, "0.seccomp.profile")->span),
		"p.json");
	assert_false(at(cs, "0.seccomp")->flags & PLM_NODE_INHERITED);
	assert_string_equal(str_at(cs, "0.apparmor.type"), "RuntimeDefault");
	assert_int_equal(at(cs, "0.apparmor.profile")->kind, PLM_NODE_NULL);
	assert_true(at(cs, "0.apparmor.profile")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(line_of(doc, at(cs, "0.apparmor")->span), 12);
	/* b inherits both from the pod: flagged, spanning the pod's map */
	assert_string_equal(str_at(cs, "1.seccomp.type"), "RuntimeDefault");
	assert_string_equal(str_at(cs, "1.seccomp.from"), "pod");
	assert_true(at(cs, "1.seccomp")->flags & PLM_NODE_INHERITED);
	assert_true(at(cs, "1.seccomp.type")->flags & PLM_NODE_INHERITED);
	assert_int_equal(line_of(doc, at(cs, "1.seccomp")->span), 6);
	assert_string_equal(str_at(cs, "1.apparmor.type"), "Unconfined");
	assert_string_equal(str_at(cs, "1.apparmor.from"), "pod");
	assert_int_equal(line_of(doc, at(cs, "1.apparmor.type")->span), 7);
	/* the tree's own nodes are not flagged */
	assert_false(at(doc->tree, "0.spec.securityContext.seccompProfile.type")
			     ->flags &
		PLM_NODE_INHERITED);
	plm_doc_destroy(doc);
}

static void legacy_annotations_come_after_fields(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
		"spec:\n  template:\n    metadata:\n      annotations:\n"
		"        seccomp.security.alpha.kubernetes.io/pod: docker/default\n"
		"        container.seccomp.security.alpha.kubernetes.io/b: unconfined\n"
		"        container.apparmor.security.beta.kubernetes.io/a: localhost/prof\n"
		"        container.apparmor.security.beta.kubernetes.io/c: unconfined\n"
		"    spec:\n      containers:\n"
		"      - name: a\n"
		"      - name: b\n"
		"      - name: c\n"
		"        securityContext:\n"
		"          appArmorProfile: {type: RuntimeDefault}\n"
		"          seccompProfile: {type: Localhost, localhostProfile: x}\n");
	struct plm_node *cs = doc->containers;
	assert_string_equal(str_at(cs, "0.seccomp.type"), "RuntimeDefault");
	assert_string_equal(str_at(cs, "0.seccomp.from"), "annotation");
	assert_true(at(cs, "0.seccomp")->flags & PLM_NODE_INHERITED);
	assert_string_equal(span_text(doc, at(cs, "0.seccomp")->span),
		"docker/default");
	assert_string_equal(str_at(cs, "0.apparmor.type"), "Localhost");
	assert_string_equal(str_at(cs, "0.apparmor.profile"), "prof");
	assert_string_equal(str_at(cs, "0.apparmor.from"), "annotation");
	assert_false(at(cs, "0.apparmor")->flags & PLM_NODE_INHERITED);
	assert_int_equal(line_of(doc, at(cs, "0.apparmor")->span), 10);
	assert_string_equal(str_at(cs, "1.seccomp.type"), "Unconfined");
	assert_false(at(cs, "1.seccomp")->flags & PLM_NODE_INHERITED);
	assert_int_equal(at(cs, "1.apparmor")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(cs, "2.seccomp.type"), "Localhost");
	assert_string_equal(str_at(cs, "2.seccomp.profile"), "x");
	assert_string_equal(str_at(cs, "2.seccomp.from"), "container");
	assert_string_equal(str_at(cs, "2.apparmor.type"), "RuntimeDefault");
	plm_doc_destroy(doc);
}

static void selinux_options_in_one_shape(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  securityContext:\n"
		"    seLinuxOptions: {level: \"s0:c1,c2\", type: spc_t}\n"
		"  containers:\n"
		"  - name: a\n"
		"  - name: b\n"
		"    securityContext:\n"
		"      seLinuxOptions: {user: system_u, role: system_r}\n"
		"  - name: c\n"
		"    securityContext:\n"
		"      seLinuxOptions: spc_t\n" /* line 14 */
		"      seccompProfile: RuntimeDefault\n");
	struct plm_node *cs = doc->containers;
	assert_string_equal(str_at(cs, "0.selinux.type"), "spc_t");
	assert_string_equal(str_at(cs, "0.selinux.level"), "s0:c1,c2");
	assert_int_equal(at(cs, "0.selinux.user")->kind, PLM_NODE_NULL);
	assert_true(at(cs, "0.selinux.user")->flags & PLM_NODE_IMPLICIT);
	assert_false(at(cs, "0.selinux.disabled")->as.boolean);
	assert_string_equal(str_at(cs, "0.selinux.from"), "pod");
	assert_true(at(cs, "0.selinux")->flags & PLM_NODE_INHERITED);
	assert_true(at(cs, "0.selinux.type")->flags & PLM_NODE_INHERITED);
	assert_int_equal(line_of(doc, at(cs, "0.selinux.type")->span), 6);
	/* the container's map wins whole, as the API merges it */
	assert_string_equal(str_at(cs, "1.selinux.user"), "system_u");
	assert_string_equal(str_at(cs, "1.selinux.role"), "system_r");
	assert_int_equal(at(cs, "1.selinux.type")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(cs, "1.selinux.from"), "container");
	/* wrong shapes: unknown, with a note at the value */
	struct plm_node *u = at(cs, "2.selinux");
	assert_int_equal(u->kind, PLM_NODE_NULL);
	assert_true(u->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(line_of(doc, u->span), 14);
	assert_true(at(cs, "2.seccomp")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(count_code(doc, "model/wrong-shape"), 2);
	plm_doc_destroy(doc);
}

static void host_namespaces_default_false_and_host_users_null(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  hostPID: true\n  hostUsers: false\n"
		"  automountServiceAccountToken: false\n"
		"  containers: [{name: a}]\n---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n"
		"  hostNetwork: true\n  hostIPC: true\n  containers: [{name: b}]\n");
	struct plm_node *a = at(doc->containers, "0");
	assert_true(at(a, "host.pid")->as.boolean);
	assert_false(at(a, "host.network")->as.boolean);
	assert_true(at(a, "host.network")->flags & PLM_NODE_IMPLICIT);
	assert_false(at(a, "host.users")->as.boolean);
	assert_false(at(a, "automount_service_account_token")->as.boolean);
	struct plm_node *b = at(doc->containers, "1");
	assert_true(at(b, "host.network")->as.boolean);
	assert_true(at(b, "host.ipc")->as.boolean);
	assert_int_equal(at(b, "host.users")->kind, PLM_NODE_NULL);
	assert_int_equal(at(b, "automount_service_account_token")->kind,
		PLM_NODE_NULL);
	plm_doc_destroy(doc);
}

static void volumes_are_joined_to_volume_mounts(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  volumes:\n"
		"  - {name: sock, hostPath: {path: /var/run/docker.sock, type: Socket}}\n"
		"  - {name: s, secret: {secretName: creds}}\n"
		"  - {name: cm, configMap: {name: conf}}\n"
		"  - {name: tmp, emptyDir: {}}\n"
		"  - {name: data, persistentVolumeClaim: {claimName: pvc}}\n"
		"  - {name: proj, projected: {sources: []}}\n"
		"  - {name: nfs, nfs: {server: x, path: /}}\n"
		"  containers:\n  - name: a\n    volumeMounts:\n"
		"    - {name: sock, mountPath: /var/run/docker.sock, readOnly: true}\n"
		"    - {name: s, mountPath: /s}\n"
		"    - {name: cm, mountPath: /cm}\n"
		"    - {name: tmp, mountPath: /tmp}\n"
		"    - {name: data, mountPath: /data}\n"
		"    - {name: proj, mountPath: /p}\n"
		"    - {name: nfs, mountPath: /n}\n"
		"    - {name: missing, mountPath: /m}\n");
	struct plm_node *m = at(doc->containers, "0.mounts");
	assert_int_equal(plm_node_count(m), 8);
	assert_string_equal(str_at(m, "0.kind"), "hostPath");
	assert_string_equal(str_at(m, "0.source"), "/var/run/docker.sock");
	assert_string_equal(str_at(m, "0.target"), "/var/run/docker.sock");
	assert_string_equal(str_at(m, "0.type"), "Socket");
	assert_true(at(m, "0.read_only")->as.boolean);
	assert_string_equal(str_at(m, "1.kind"), "secret");
	assert_string_equal(str_at(m, "1.source"), "creds");
	assert_false(at(m, "1.read_only")->as.boolean);
	assert_true(at(m, "1.read_only")->flags & PLM_NODE_IMPLICIT);
	assert_null(plm_node_get(at(m, "1"), "type"));
	assert_string_equal(str_at(m, "2.kind"), "configMap");
	assert_string_equal(str_at(m, "2.source"), "conf");
	assert_string_equal(str_at(m, "3.kind"), "emptyDir");
	assert_int_equal(at(m, "3.source")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(m, "4.kind"), "persistentVolumeClaim");
	assert_string_equal(str_at(m, "4.source"), "pvc");
	assert_string_equal(str_at(m, "5.kind"), "projected");
	assert_string_equal(str_at(m, "6.kind"), "other");
	assert_string_equal(str_at(m, "7.kind"), "other");
	plm_doc_destroy(doc);
}

static void ports_env_commands_and_hooks(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  containers:\n  - name: a\n"
		"    command: [sh, -c]\n    args: [\"apt-get install -y x\"]\n"
		"    ports: [{containerPort: 80, hostPort: 8080, hostIP: 0.0.0.0},"
		" {containerPort: 53, protocol: UDP}]\n"
		"    env:\n    - {name: A, value: \"1\"}\n"
		"    - {name: B, valueFrom: {secretKeyRef: {name: s, key: k}}}\n"
		"    lifecycle:\n      postStart: {exec: {command: [pip, install, x]}}\n"
		"      preStop: {httpGet: {path: /}}\n"
		"    livenessProbe: {exec: {command: [cat, /ok]}}\n");
	struct plm_node *c = at(doc->containers, "0");
	assert_string_equal(str_at(c, "entrypoint.0"), "sh");
	assert_string_equal(str_at(c, "command.0"), "apt-get install -y x");
	assert_int_equal(at(c, "ports.0.container")->as.integer, 80);
	assert_int_equal(at(c, "ports.0.host")->as.integer, 8080);
	assert_string_equal(str_at(c, "ports.0.host_ip"), "0.0.0.0");
	assert_string_equal(str_at(c, "ports.0.protocol"), "tcp");
	assert_true(at(c, "ports.0.protocol")->flags & PLM_NODE_IMPLICIT);
	assert_string_equal(str_at(c, "ports.1.protocol"), "udp");
	assert_string_equal(span_text(doc, at(c, "ports.1.protocol")->span),
		"UDP");
	assert_string_equal(span_text(doc, at(c, "ports.0.host_ip")->span),
		"0.0.0.0");
	assert_int_equal(at(c, "ports.1.host")->kind, PLM_NODE_NULL);
	assert_string_equal(str_at(c, "env.0.value"), "1");
	assert_string_equal(str_at(c, "env.1.name"), "B");
	assert_int_equal(at(c, "env.1.value")->kind, PLM_NODE_NULL);
	assert_int_equal(plm_node_count(at(c, "lifecycle")), 2);
	assert_string_equal(str_at(c, "lifecycle.0.hook"), "postStart");
	assert_string_equal(str_at(c, "lifecycle.0.command.0"), "pip");
	assert_string_equal(str_at(c, "lifecycle.1.hook"), "livenessProbe");
	assert_false(at(c, "shell_form.command")->as.boolean);
	plm_doc_destroy(doc);
}

static void empty_dir_medium_and_size_limit(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  volumes:\n"
		"  - {name: mem, emptyDir: {medium: Memory, sizeLimit: 64Mi}}\n"
		"  - {name: disk, emptyDir: {}}\n"
		"  - {name: bad, emptyDir: {sizeLimit: lots}}\n" /* line 8 */
		"  - {name: odd, emptyDir: x}\n"
		"  containers:\n  - name: a\n    volumeMounts:\n"
		"    - {name: mem, mountPath: /m}\n"
		"    - {name: disk, mountPath: /d}\n"
		"    - {name: bad, mountPath: /b}\n"
		"    - {name: odd, mountPath: /o}\n");
	struct plm_node *m = at(doc->containers, "0.mounts");
	assert_string_equal(str_at(m, "0.medium"), "Memory");
	assert_string_equal(span_text(doc, at(m, "0.medium")->span), "Memory");
	assert_int_equal(at(m, "0.size_limit")->as.integer, 64 << 20);
	assert_string_equal(span_text(doc, at(m, "0.size_limit")->span),
		"64Mi");
	assert_int_equal(at(m, "1.medium")->kind, PLM_NODE_NULL);
	assert_true(at(m, "1.medium")->flags & PLM_NODE_IMPLICIT);
	assert_int_equal(at(m, "1.size_limit")->kind, PLM_NODE_NULL);
	assert_false(at(m, "1.size_limit")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(m, "2.size_limit")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(line_of(doc, at(m, "2.size_limit")->span), 8);
	assert_true(at(m, "3.medium")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(m, "3.size_limit")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(count_code(doc, "model/wrong-shape"), 2);
	plm_doc_destroy(doc);
}

static void port_items_of_the_wrong_shape_are_noted(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  containers:\n  - name: a\n"
		"    ports: [80, {containerPort: 53, protocol: SCTP,"
		" hostIP: \"::1\", hostPort: 53}]\n" /* line 7 */
		"  - name: b\n    ports: 80\n");
	struct plm_node *a = at(doc->containers, "0");
	assert_int_equal(plm_node_count(at(a, "ports")), 1);
	assert_string_equal(str_at(a, "ports.0.protocol"), "sctp");
	assert_string_equal(str_at(a, "ports.0.host_ip"), "::1");
	assert_int_equal(at(a, "ports.0.host")->as.integer, 53);
	struct plm_node *b = at(doc->containers, "1.ports");
	assert_int_equal(b->kind, PLM_NODE_NULL);
	assert_true(b->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(line_of(doc, b->span), 9);
	assert_int_equal(count_code(doc, "model/wrong-shape"), 2);
	plm_doc_destroy(doc);
}

static const char settings_pod[] =
	"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
	"  serviceAccountName: builder\n" /* line 5 */
	"  automountServiceAccountToken: true\n"
	"  hostUsers: false\n"
	"  runtimeClassName: gvisor\n"
	"  securityContext:\n"
	"    runAsGroup: 3000\n" /* line 10 */
	"    fsGroup: 2000\n"
	"    supplementalGroups: [4000, 5000]\n"
	"    sysctls:\n"
	"    - {name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}\n"
	"  initContainers:\n" /* line 15 */
	"  - name: side\n"
	"    restartPolicy: Always\n"
	"  - name: init\n"
	"  containers:\n"
	"  - name: a\n" /* line 20 */
	"    imagePullPolicy: Always\n"
	"    securityContext: {procMount: Unmasked}\n"
	"    resources:\n"
	"      requests: {cpu: 500m, memory: 1Gi}\n"
	"      limits: {cpu: \"1.5\", memory: 1e3}\n" /* line 25 */
	"    livenessProbe: {httpGet: {path: /, port: 80}}\n"
	"    readinessProbe: {tcpSocket: {port: 80}}\n"
	"    startupProbe: {grpc: {port: 9}}\n"
	"    env:\n"
	"    - {name: L, value: x}\n" /* line 30 */
	"    - {name: S, valueFrom: {secretKeyRef: {name: s, key: k}}}\n"
	"    - {name: C, valueFrom: {configMapKeyRef: {name: c, key: k}}}\n"
	"    - {name: F, valueFrom: {fieldRef: {fieldPath: status.podIP}}}\n"
	"    envFrom:\n"
	"    - {secretRef: {name: all}, prefix: P_}\n" /* line 35 */
	"    - configMapRef: {name: cm}\n"
	"  - name: b\n"
	"    resources: {requests: 1Gi, limits: {memory: lots}}\n"
	"    livenessProbe: {exec: {command: [\"true\"]}}\n";

static void pod_settings_are_read_with_positions(void **state)
{
	(void)state;
	struct plm_doc *doc = build(settings_pod);
	struct plm_node *side = at(doc->containers, "0");
	assert_string_equal(str_at(side, "role"), "init");
	assert_true(at(side, "sidecar")->as.boolean);
	assert_int_equal(line_of(doc, at(side, "sidecar")->span), 17);
	assert_string_equal(str_at(side, "restart_policy"), "Always");
	struct plm_node *init = at(doc->containers, "1");
	assert_false(at(init, "sidecar")->as.boolean);
	assert_true(at(init, "sidecar")->flags & PLM_NODE_IMPLICIT);
	struct plm_node *a = at(doc->containers, "2");
	/* pod settings: inherited, spanning where the pod wrote them */
	assert_string_equal(str_at(a, "service_account_name"), "builder");
	assert_true(at(a, "service_account_name")->flags & PLM_NODE_INHERITED);
	assert_int_equal(line_of(doc, at(a, "service_account_name")->span), 5);
	assert_true(at(a, "automount_service_account_token")->as.boolean);
	assert_false(at(a, "host.users")->as.boolean);
	assert_int_equal(line_of(doc, at(a, "host.users")->span), 7);
	assert_string_equal(str_at(a, "runtime_class"), "gvisor");
	assert_int_equal(at(a, "user.gid")->as.integer, 3000);
	assert_int_equal(line_of(doc, at(a, "user.gid")->span), 10);
	assert_int_equal(at(a, "groups.fs_group")->as.integer, 2000);
	assert_true(at(a, "groups.fs_group")->flags & PLM_NODE_INHERITED);
	assert_int_equal(at(a, "groups.supplemental.1")->as.integer, 5000);
	assert_string_equal(str_at(a, "sysctls.0.name"),
		"net.ipv4.ip_unprivileged_port_start");
	assert_string_equal(str_at(a, "sysctls.0.value"), "0");
	assert_int_equal(line_of(doc, at(a, "sysctls.0")->span), 14);
	assert_true(at(a, "sysctls.0")->flags & PLM_NODE_INHERITED);
	/* every container of the pod shares the pod's sysctls */
	assert_ptr_equal(at(a, "sysctls"), at(side, "sysctls"));
	/* container settings */
	assert_string_equal(str_at(a, "image_pull_policy"), "Always");
	assert_string_equal(str_at(a, "proc_mount"), "Unmasked");
	assert_int_equal(line_of(doc, at(a, "proc_mount")->span), 22);
	assert_int_equal(at(a, "resources.requests.cpu")->as.integer, 500);
	assert_int_equal(at(a, "resources.requests.memory")->as.integer,
		1 << 30);
	assert_int_equal(at(a, "resources.limits.cpu")->as.integer, 1500);
	assert_int_equal(at(a, "resources.limits.memory")->as.integer, 1000);
	assert_int_equal(line_of(doc, at(a, "resources.limits.cpu")->span), 25);
	assert_string_equal(str_at(a, "probes.liveness.type"), "httpGet");
	assert_string_equal(str_at(a, "probes.readiness.type"), "tcpSocket");
	assert_string_equal(str_at(a, "probes.startup.type"), "grpc");
	assert_int_equal(line_of(doc, at(a, "probes.startup.type")->span), 28);
	static const char *const kinds[] = {"literal", "secretKeyRef",
		"configMapKeyRef", "fieldRef"};
	for (size_t i = 0; i < 4; i++) {
		char path[32];
		snprintf(path, sizeof(path), "env.%zu.kind", i);
		assert_string_equal(str_at(a, path), kinds[i]);
		assert_int_equal(line_of(doc, at(a, path)->span), 30 + i);
	}
	assert_string_equal(str_at(a, "env_from.0.kind"), "secretRef");
	assert_string_equal(str_at(a, "env_from.0.name"), "all");
	assert_string_equal(str_at(a, "env_from.0.prefix"), "P_");
	assert_int_equal(line_of(doc, at(a, "env_from.0.name")->span), 35);
	assert_string_equal(str_at(a, "env_from.1.kind"), "configMapRef");
	assert_int_equal(at(a, "env_from.1.prefix")->kind, PLM_NODE_NULL);
	/* wrong shapes: unknown amounts, with notes */
	struct plm_node *b = at(doc->containers, "3");
	assert_true(at(b, "resources.requests")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(b, "resources.requests.cpu")->flags & PLM_NODE_UNKNOWN);
	assert_true(at(b, "resources.limits.memory")->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(at(b, "resources.limits.cpu")->kind, PLM_NODE_NULL);
	assert_false(at(b, "resources.limits.cpu")->flags & PLM_NODE_UNKNOWN);
	assert_string_equal(str_at(b, "probes.liveness.type"), "exec");
	assert_int_equal(count_code(doc, "model/wrong-shape"), 2);
	plm_doc_destroy(doc);
}

static void sysctls_of_the_wrong_shape_are_noted_once_per_pod(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  securityContext: {sysctls: 5}\n"
		"  containers: [{name: a}, {name: b}]\n"
		"---\n"
		"apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n"
		"  securityContext: {sysctls: [x, {name: kernel.msgmax}]}\n"
		"  containers: [{name: c}, {name: d}]\n");
	struct plm_node *a = at(doc->containers, "0.sysctls");
	assert_int_equal(a->kind, PLM_NODE_NULL);
	assert_true(a->flags & PLM_NODE_UNKNOWN);
	assert_int_equal(line_of(doc, a->span), 5);
	assert_true(at(doc->containers, "1.sysctls")->flags & PLM_NODE_UNKNOWN);
	struct plm_node *c = at(doc->containers, "2.sysctls");
	assert_int_equal(plm_node_count(c), 1);
	assert_string_equal(str_at(c, "0.name"), "kernel.msgmax");
	assert_int_equal(at(c, "0.value")->kind, PLM_NODE_NULL);
	assert_int_equal(count_code(doc, "model/wrong-shape"), 2);
	plm_doc_destroy(doc);
}

static void lists_of_the_wrong_shape_are_unknown(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  volumes: x\n" /* line 5 */
		"  containers:\n"
		"  - name: a\n"
		"    command: \"sh -c x\"\n"
		"    args: 5\n"
		"    env: x\n" /* line 10 */
		"    envFrom: [{secretRef: {name: s}}]\n"
		"    volumeMounts: z\n"
		"    securityContext:\n"
		"      capabilities: {add: NET_ADMIN, drop: [ALL]}\n"
		"  - name: b\n" /* line 15 */
		"    securityContext: privileged\n"
		"    volumeMounts: [{name: v, mountPath: /v}]\n");
	struct plm_node *a = at(doc->containers, "0");
	static const char *const unknown[][2] = {{"entrypoint", "8"},
		{"command", "9"}, {"env", "10"}, {"mounts", "12"},
		{"capabilities.add", "14"}};
	for (size_t i = 0; i < 5; i++) {
		struct plm_node *f = at(a, unknown[i][0]);
		assert_int_equal(f->kind, PLM_NODE_NULL);
		assert_true(f->flags & PLM_NODE_UNKNOWN);
		assert_int_equal(line_of(doc, f->span),
			strtoul(unknown[i][1], NULL, 10));
	}
	assert_string_equal(str_at(a, "capabilities.drop.0"), "ALL");
	assert_string_equal(str_at(a, "env_from.0.name"), "s");
	struct plm_node *b = at(doc->containers, "1");
	static const char *const container_only[] = {"privileged",
		"allow_privilege_escalation", "read_only_rootfs", "proc_mount",
		"capabilities.add", "capabilities.drop"};
	for (size_t i = 0; i < 6; i++) {
		assert_true(at(b, container_only[i])->flags & PLM_NODE_UNKNOWN);
		assert_int_equal(line_of(doc, at(b, container_only[i])->span),
			16);
	}
	/* volumes unreadable: the mount is there, of an unknown kind */
	assert_string_equal(str_at(b, "mounts.0.kind"), "other");
	const struct plm_diag *d = diag_with(doc, "model/wrong-shape");
	assert_int_equal(line_of(doc, d->span), 5);
	/* volumes, command, args, env, volumeMounts, add, securityContext */
	assert_int_equal(count_code(doc, "model/wrong-shape"), 7);
	plm_doc_destroy(doc);
}

static void every_record_field_is_present(void **state)
{
	(void)state;
	static const char *const fields[] = {"name", "origin", "role",
		"workload", "image", "user", "run_as_non_root", "privileged",
		"allow_privilege_escalation", "read_only_rootfs",
		"capabilities", "host", "seccomp", "apparmor", "selinux",
		"mounts", "ports", "command", "entrypoint", "shell_form",
		"lifecycle", "env", "healthcheck",
		"automount_service_account_token", "build", "source", "pod",
		"resources", "probes", "image_pull_policy", "proc_mount",
		"groups", "service_account_name", "env_from", "sysctls",
		"runtime_class", "restart_policy", "sidecar", "pids_limit",
		"devices", "ulimits", "tmpfs", "secrets", "configs", "profiles",
		"publish_all", NULL};
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec: {containers: [{name: a}]}\n");
	struct plm_node *c = at(doc->containers, "0");
	size_t n = 0;
	for (; fields[n] != NULL; n++) {
		assert_string_equal(c->as.map.entries[n].key, fields[n]);
	}
	assert_int_equal(plm_node_count(c), n);
	assert_int_equal(at(c, "image")->kind, PLM_NODE_NULL);
	assert_true(at(c, "user.text")->flags & PLM_NODE_IMPLICIT);
	plm_doc_destroy(doc);
}

static void quoted_booleans_are_read_with_a_warning(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
		"  containers:\n  - name: a\n    securityContext:\n"
		"      privileged: \"true\"\n      readOnlyRootFilesystem: 3\n");
	struct plm_node *c = at(doc->containers, "0");
	assert_int_equal(at(c, "privileged")->kind, PLM_NODE_BOOL);
	assert_true(at(c, "privileged")->as.boolean);
	assert_int_equal(at(c, "read_only_rootfs")->kind, PLM_NODE_NULL);
	assert_non_null(diag_with(doc, "kubernetes/not-a-boolean"));
	plm_doc_destroy(doc);
}

static void huge_pod_stays_linear(void **state)
{
	(void)state;
	size_t n = 20000;
	char *text = malloc(n * 220 + 256);
	if (text == NULL) {
		abort();
	}
	size_t len = (size_t)sprintf(text,
		"apiVersion: v1\nkind: Pod\n"
		"metadata:\n  name: p\n  annotations:\n");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len,
			"    container.apparmor.security.beta.kubernetes.io/c%zu: "
			"unconfined\n",
			i);
	}
	len += (size_t)sprintf(text + len, "spec:\n  volumes:\n");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len,
			"  - {name: v%zu, emptyDir: {}}\n", i);
	}
	len += (size_t)sprintf(text + len, "  containers:\n");
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len,
			"  - {name: c%zu, volumeMounts: "
			"[{name: v%zu, mountPath: /m}]}\n",
			i, n - 1 - i);
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct plm_doc *doc = build(text);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(text);
	assert_int_equal(plm_node_count(doc->containers), n);
	assert_string_equal(str_at(doc->containers, "5.mounts.0.kind"),
		"emptyDir");
	assert_string_equal(str_at(doc->containers, "5.apparmor.type"),
		"Unconfined");
	double seconds = (double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	assert_true(seconds < 20.0);
	plm_doc_destroy(doc);
}

static void broken_container_lists_are_diagnosed(void **state)
{
	(void)state;
	struct plm_doc *doc = build(
		"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec: {containers: [nope, {name: ok}], initContainers: x}\n---\n"
		"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
		"spec: {}\n");
	assert_int_equal(plm_node_count(doc->containers), 1);
	assert_non_null(diag_with(doc, "kubernetes/bad-container"));
	assert_non_null(diag_with(doc, "kubernetes/no-pod-spec"));
	plm_doc_destroy(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pod_yields_its_containers),
		cmocka_unit_test(deployment_yields_template_containers),
		cmocka_unit_test(statefulset_yields_template_containers),
		cmocka_unit_test(daemonset_yields_template_containers),
		cmocka_unit_test(replicaset_yields_template_containers),
		cmocka_unit_test(
			replicationcontroller_yields_template_containers),
		cmocka_unit_test(job_yields_template_containers),
		cmocka_unit_test(cronjob_yields_job_template_containers),
		cmocka_unit_test(podtemplate_yields_template_containers),
		cmocka_unit_test(rollout_knative_deploymentconfig_by_template),
		cmocka_unit_test(scaledjob_and_replica_specs_by_template),
		cmocka_unit_test(argo_templates_and_tekton_steps),
		cmocka_unit_test(kinds_without_pod_templates_are_quiet),
		cmocka_unit_test(list_items_and_other_kinds),
		cmocka_unit_test(
			init_sidecar_and_ephemeral_containers_have_roles),
		cmocka_unit_test(container_security_context_wins_over_pod),
		cmocka_unit_test(pod_security_context_is_inherited_and_flagged),
		cmocka_unit_test(container_only_fields_are_not_inherited),
		cmocka_unit_test(container_only_fields_are_read),
		cmocka_unit_test(seccomp_and_apparmor_fields_and_precedence),
		cmocka_unit_test(legacy_annotations_come_after_fields),
		cmocka_unit_test(selinux_options_in_one_shape),
		cmocka_unit_test(
			host_namespaces_default_false_and_host_users_null),
		cmocka_unit_test(volumes_are_joined_to_volume_mounts),
		cmocka_unit_test(ports_env_commands_and_hooks),
		cmocka_unit_test(empty_dir_medium_and_size_limit),
		cmocka_unit_test(port_items_of_the_wrong_shape_are_noted),
		cmocka_unit_test(pod_settings_are_read_with_positions),
		cmocka_unit_test(
			sysctls_of_the_wrong_shape_are_noted_once_per_pod),
		cmocka_unit_test(lists_of_the_wrong_shape_are_unknown),
		cmocka_unit_test(every_record_field_is_present),
		cmocka_unit_test(quoted_booleans_are_read_with_a_warning),
		cmocka_unit_test(huge_pod_stays_linear),
		cmocka_unit_test(broken_container_lists_are_diagnosed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
