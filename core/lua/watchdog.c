/*
 * lua/watchdog.c - the wall-clock limit, enforced from outside the VM.
 *
 * The count hook only runs between instructions, and one instruction can
 * be slow in C (comparing two 16 MB strings), so a clock read in the hook
 * lets a run overshoot its limit by whatever a hook step of such
 * instructions takes. Instead, one thread holds the deadlines of the runs
 * in progress; when one passes, it marks the run expired and arms the
 * run's hook to fire at the very next instruction. The Lua manual allows
 * lua_sethook to be called asynchronously (the standalone interpreter does
 * it from a signal handler); nothing else of the state is touched here.
 * Library loops that charge the budget (plm_lua_charge) look at the
 * expired flag too, so a long C loop ends at its next charge.
 *
 * The thread exists while at least one host does: the first host starts
 * it, the last one stops and joins it.
 */
#include "lua/internal.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

/* `life` orders starting and stopping the thread; `lock` guards the
 * armed list and `stopping`, and is what the thread waits on. */
static pthread_mutex_t life = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static size_t hosts; /* live hosts; the thread runs while > 0 */
static bool stopping;
static struct plm_lua *armed; /* runs with a deadline, in no order */
/* The deadline the thread sleeps until, 0 when it sleeps with none (or is
 * awake: it holds the lock then, and looks at every armed run). */
static int64_t waiting_until;

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Marks every armed run past its deadline and makes its next instruction
 * call the hook. Returns the earliest deadline still ahead, or 0. */
static int64_t expire(lua_Hook hook)
{
	int64_t now = now_ns(), next = 0;
	for (struct plm_lua *h = armed; h != NULL; h = h->watch_next) {
		if (atomic_load(&h->expired)) {
			continue;
		}
		if (h->deadline <= now) {
			atomic_store(&h->expired, 1);
			lua_sethook(h->L, hook, LUA_MASKCOUNT, 1);
		} else if (next == 0 || h->deadline < next) {
			next = h->deadline;
		}
	}
	return next;
}

static void *watch(void *arg)
{
	lua_Hook hook = (lua_Hook)(uintptr_t)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		int64_t next = expire(hook);
		waiting_until = next;
		if (next == 0) {
			pthread_cond_wait(&wake, &lock);
			continue;
		}
		struct timespec until = {
			.tv_sec = (time_t)(next / 1000000000),
			.tv_nsec = (long)(next % 1000000000),
		};
		pthread_cond_timedwait(&wake, &lock, &until);
	}
	waiting_until = 0;
	pthread_mutex_unlock(&lock);
	return NULL;
}

/* Starts the thread (life held). Returns 0 or PLM_ENOMEM. */
static int start(lua_Hook hook)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	stopping = false;
	if (pthread_create(&thread, NULL, watch, (void *)(uintptr_t)hook) !=
		0) {
		pthread_cond_destroy(&wake);
		return PLM_ENOMEM;
	}
	return 0;
}

/* A process that forks while hosts live (the language server lints each
 * document in a child that inherits the compiled policies) keeps its
 * time limits: both locks are held across fork(), so no child inherits
 * one in mid-use, and the child, which the thread does not follow,
 * starts its own. */
static lua_Hook fork_hook;
static bool missing; /* a child whose thread could not start */

static void before_fork(void)
{
	pthread_mutex_lock(&life);
	pthread_mutex_lock(&lock);
}

static void after_fork_parent(void)
{
	pthread_mutex_unlock(&lock);
	pthread_mutex_unlock(&life);
}

static void after_fork_child(void)
{
	armed = NULL; /* those runs were on threads left behind */
	pthread_mutex_unlock(&lock);
	/* Without a thread, the instruction budget still holds. */
	missing = hosts > 0 && start(fork_hook) != 0;
	pthread_mutex_unlock(&life);
}

static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void register_fork(void)
{
	pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

int plm_lua_watchdog_join(lua_Hook hook)
{
	int rc = 0;
	pthread_once(&fork_once, register_fork);
	pthread_mutex_lock(&life);
	fork_hook = hook;
	if (hosts == 0) {
		rc = start(hook);
	}
	if (rc == 0) {
		hosts++;
	}
	pthread_mutex_unlock(&life);
	return rc;
}

void plm_lua_watchdog_leave(void)
{
	pthread_mutex_lock(&life);
	if (--hosts == 0 && missing) {
		missing = false;
	} else if (hosts == 0) {
		pthread_mutex_lock(&lock);
		stopping = true;
		pthread_cond_signal(&wake);
		pthread_mutex_unlock(&lock);
		pthread_join(thread, NULL);
		pthread_cond_destroy(&wake);
	}
	pthread_mutex_unlock(&life);
}

void plm_lua_watchdog_arm(struct plm_lua *h)
{
	atomic_store(&h->expired, 0);
	if (h->deadline == 0) {
		return;
	}
	pthread_mutex_lock(&lock);
	h->watch_next = armed;
	armed = h;
	/* The thread is only woken when this deadline comes before the one
	 * it sleeps until: a run takes microseconds and its deadline seconds,
	 * so waking it for every run would cost two context switches each.
	 * A deadline it sleeps past is looked at when it wakes. */
	if (waiting_until == 0 || h->deadline < waiting_until) {
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
}

void plm_lua_watchdog_disarm(struct plm_lua *h)
{
	if (h->deadline == 0) {
		return;
	}
	pthread_mutex_lock(&lock);
	for (struct plm_lua **p = &armed; *p != NULL; p = &(*p)->watch_next) {
		if (*p == h) {
			*p = h->watch_next;
			break;
		}
	}
	h->watch_next = NULL;
	pthread_mutex_unlock(&lock);
}
