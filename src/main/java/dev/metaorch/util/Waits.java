package dev.metaorch.util;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each thread is waiting for (the plugin catalog, the search index, a data folder lock) and since when, so
 * that a tool call waiting too long can be ended with a clear error and the threads dumped to stderr. A wait is
 * entered with try-with-resources around the blocking call.
 */
public final class Waits {

    private static final Logger log = LoggerFactory.getLogger(Waits.class);

    /** How long a tool call may wait for the catalog, the index or a store before it ends with an error. */
    public static final Duration DEADLINE = deadline(System.getenv("META_ORCH_WAIT_DEADLINE_S"));

    /** One wait: what, since when (nanoTime). */
    public record Wait(String what, long since) {
        public Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - since);
        }
    }

    private static final Map<Thread, Wait> WAITING = new ConcurrentHashMap<>();

    private Waits() {
    }

    static Duration deadline(String env) {
        if (env != null && !env.isBlank()) {
            try {
                long s = Long.parseLong(env.trim());
                if (s >= 1 && s <= 86_400) {
                    return Duration.ofSeconds(s);
                }
            } catch (NumberFormatException e) {
                // the default below
            }
            log.warn("META_ORCH_WAIT_DEADLINE_S must be a number of seconds from 1 to 86400 (got '{}'); using 300", env);
        }
        return Duration.ofSeconds(300);
    }

    /** Marks the current thread as waiting for {@code what} until the returned handle is closed. */
    public static Handle enter(String what) {
        Thread t = Thread.currentThread();
        Wait outer = WAITING.get(t);
        if (outer != null) {
            return () -> { }; // the outer wait already says what the thread waits for, and since when
        }
        WAITING.put(t, new Wait(what, System.nanoTime()));
        return () -> WAITING.remove(t);
    }

    /** What {@code t} waits for now, or null. */
    public static Wait of(Thread t) {
        return WAITING.get(t);
    }

    /** A wait's end; closing never throws. */
    public interface Handle extends AutoCloseable {
        @Override
        void close();
    }

    /** Every thread's stack, with locks and what it waits for, logged at warn (stderr). */
    public static void dumpThreads(String why) {
        StringBuilder sb = new StringBuilder("thread dump (" + why + "):\n");
        for (ThreadInfo ti : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            sb.append('"').append(ti.getThreadName()).append("\" ").append(ti.getThreadState());
            if (ti.getLockName() != null) {
                sb.append(" on ").append(ti.getLockName());
            }
            if (ti.getLockOwnerName() != null) {
                sb.append(" owned by \"").append(ti.getLockOwnerName()).append('"');
            }
            sb.append('\n');
            for (StackTraceElement e : ti.getStackTrace()) {
                sb.append("    at ").append(e).append('\n');
            }
        }
        WAITING.forEach((t, w) -> sb.append("waiting: \"").append(t.getName()).append("\" for ").append(w.what()).append(" since ")
                .append(w.elapsed().toSeconds()).append(" s\n"));
        log.warn(sb.toString());
    }
}
